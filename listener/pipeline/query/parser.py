"""Lexer and recursive-descent parser: query expression -> node tree (see docs/queries.md).

Grammar (precedence NOT > AND > OR; NEAR/n binds tighter than NOT)::

    query   := or EOF
    or      := and ("OR" and)*
    and     := unary (["AND"] unary)*          # adjacent operands are ANDed
    unary   := ("NOT" | "-") unary | near
    near    := primary ("NEAR/" n primary)*     # operands must be word-like
    primary := WORD | "PHRASE" | field:value | "(" or ")"
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from listener.pipeline.query.errors import QuerySyntaxError
from listener.pipeline.query.leaves import FIELDS, field, phrase, word
from listener.pipeline.query.nodes import AllOf, AnyOf, Near, Node, Not

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "QuerySyntaxError", "parse"]

MAX_LENGTH = 2_000
MAX_DEPTH = 20
_FIELD_HINT = "use " + ", ".join(f + ":" for f in FIELDS)
_FIELD_RE = re.compile(r"([A-Za-z_]+):(.*)", re.S)
_NEAR_RE = re.compile(r"NEAR/(\d{1,3})")
_OPERAND_START = {"WORD", "PHRASE", "FIELD", "(", "NOT", "-"}


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # "(" ")" AND OR NOT "-" NEAR WORD PHRASE FIELD EOF
    pos: int
    text: str = ""  # WORD: raw word; PHRASE: content; FIELD: value; NEAR: distance
    name: str = ""  # FIELD: lower-case field name


def _lex(s: str) -> list[_Tok]:
    out: list[_Tok] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c.isspace():
            i += 1
        elif c in "()":
            out.append(_Tok(c, i))
            i += 1
        elif c == '"':
            end = s.find('"', i + 1)
            if end < 0:
                raise QuerySyntaxError(f'unclosed quote starting at {i} — add the closing "', i)
            out.append(_Tok("PHRASE", i, s[i + 1 : end]))
            i = end + 1
        elif c == "-" and (i + 1 >= n or s[i + 1].isspace() or s[i + 1] == ")"):
            raise QuerySyntaxError(
                f"'-' at {i} must be followed directly by what to exclude, e.g. -hiring", i
            )
        elif c == "-":  # a '-' inside a word (e-mail) is consumed with the word below
            out.append(_Tok("-", i))
            i += 1
        else:
            j = i
            while j < n and not s[j].isspace() and s[j] not in '()"':
                j += 1
            raw = s[i:j]
            if raw in ("AND", "OR", "NOT"):
                out.append(_Tok(raw, i))
            elif raw == "NEAR" or raw.startswith("NEAR/"):
                m = _NEAR_RE.fullmatch(raw)
                if not m:
                    raise QuerySyntaxError(f"NEAR at {i} needs a distance in words, e.g. NEAR/3", i)
                out.append(_Tok("NEAR", i, m.group(1)))
            elif m := _FIELD_RE.fullmatch(raw):
                name, value = m.group(1), m.group(2)
                if name.lower() not in FIELDS:
                    raise QuerySyntaxError(f"unknown field '{name}:' at {i} — {_FIELD_HINT}", i)
                if not value and j < n and s[j] == '"':
                    end = s.find('"', j + 1)
                    if end < 0:
                        raise QuerySyntaxError(f'unclosed quote starting at {j} — add the closing "', j)
                    value, j = s[j + 1 : end], end + 1
                if not value.strip():
                    raise QuerySyntaxError(f"expected a value after '{name}:' at {i}", i)
                out.append(_Tok("FIELD", i, value.strip(), name.lower()))
            else:
                out.append(_Tok("WORD", i, raw))
            i = j
    out.append(_Tok("EOF", n))
    return out


def parse(expression: str) -> Node:
    if len(expression) > MAX_LENGTH:
        raise QuerySyntaxError(
            f"the query is too long ({len(expression):,} characters; the limit is {MAX_LENGTH:,})", MAX_LENGTH
        )
    if not expression.strip():
        raise QuerySyntaxError("the query is empty — write at least one word", 0)
    return _Parser(_lex(expression)).parse()


class _Parser:
    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node:
        node = self.parse_or(0)
        tok = self.peek()
        if tok.kind == ")":
            raise QuerySyntaxError(f"unmatched ')' at {tok.pos} — remove it or add a '(' before it", tok.pos)
        assert tok.kind == "EOF", tok
        return node

    def _expect_operand(self, after: _Tok, label: str) -> None:
        if self.peek().kind not in _OPERAND_START:
            raise QuerySyntaxError(f"expected a term after {label} at {after.pos}", after.pos)

    def parse_or(self, depth: int) -> Node:
        children = [self.parse_and(depth)]
        while self.peek().kind == "OR":
            op = self.take()
            self._expect_operand(op, "OR")
            children.append(self.parse_and(depth))
        return children[0] if len(children) == 1 else AnyOf(children)

    def parse_and(self, depth: int) -> Node:
        children = [self.parse_unary(depth)]
        while True:
            kind = self.peek().kind
            if kind == "AND":
                op = self.take()
                self._expect_operand(op, "AND")
            elif kind not in _OPERAND_START:
                break
            children.append(self.parse_unary(depth))
        return children[0] if len(children) == 1 else AllOf(children)

    def parse_unary(self, depth: int) -> Node:
        tok = self.peek()
        if tok.kind in ("NOT", "-"):
            self.take()
            if depth + 1 > MAX_DEPTH:
                raise QuerySyntaxError(
                    f"the query nests too deeply at {tok.pos} (the limit is {MAX_DEPTH})", tok.pos
                )
            self._expect_operand(tok, "NOT" if tok.kind == "NOT" else "'-'")
            return Not(self.parse_unary(depth + 1))
        return self.parse_near(depth)

    def parse_near(self, depth: int) -> Node:
        left = self.parse_primary(depth)
        while self.peek().kind == "NEAR":
            op = self.take()
            label = f"NEAR/{op.text}"
            if self.peek().kind not in ("WORD", "PHRASE", "("):
                raise QuerySyntaxError(f"expected a word or phrase after {label} at {op.pos}", op.pos)
            right = self.parse_primary(depth)
            if not (left.positional and right.positional):
                raise QuerySyntaxError(
                    f"{label} at {op.pos} works on words, phrases and OR-groups of them, "
                    "not on field filters, AND or NOT",
                    op.pos,
                )
            left = Near(left, right, int(op.text))
        return left

    def parse_primary(self, depth: int) -> Node:
        tok = self.take()
        if tok.kind == "WORD":
            return word(tok.text, tok.pos)
        if tok.kind == "PHRASE":
            return phrase(tok.text, tok.pos)
        if tok.kind == "FIELD":
            return field(tok.name, tok.text, tok.pos)
        if tok.kind == "(":
            if depth + 1 > MAX_DEPTH:
                raise QuerySyntaxError(
                    f"the query nests too deeply at {tok.pos} (the limit is {MAX_DEPTH})", tok.pos
                )
            if self.peek().kind == ")":
                raise QuerySyntaxError(
                    f"empty parentheses at {tok.pos} — put a term inside or remove them", tok.pos
                )
            node = self.parse_or(depth + 1)
            close = self.peek()
            if close.kind != ")":
                raise QuerySyntaxError(f"unclosed '(' at {tok.pos} — add a matching ')'", tok.pos)
            self.take()
            return node
        if tok.kind in ("AND", "OR"):
            raise QuerySyntaxError(f"{tok.kind} at {tok.pos} needs a term on its left", tok.pos)
        if tok.kind == "NEAR":
            raise QuerySyntaxError(
                f"NEAR/{tok.text} at {tok.pos} needs a word or phrase on its left", tok.pos
            )
        if tok.kind == ")":
            raise QuerySyntaxError(f"unmatched ')' at {tok.pos} — remove it or add a '(' before it", tok.pos)
        raise QuerySyntaxError(f"expected a term at {tok.pos}", tok.pos)
