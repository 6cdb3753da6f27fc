"""API models (Pydantic v2): ``XCreate`` / ``XUpdate`` / ``XRead`` per resource.

Every input model forbids unknown fields, so a typo is a 422 that names the field.
"""
