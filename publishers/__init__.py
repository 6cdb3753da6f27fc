"""Publishers: post an approved reply where the customer wrote (review stores, X, Mastodon, Bluesky,
YouTube, Reddit). A pure core like ``collectors/``: imports nothing from ``listener/``; outbound
HTTP goes through ``outbound/``'s guarded client. ``registry.PUBLISHERS`` lists them."""
