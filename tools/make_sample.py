"""Generate ``sample_mentions.jsonl``, the bundled offline demo data set.

Run ``python tools/make_sample.py [OUT_PATH]``. The output is fully determined by the seed
(``random.Random(2026)``) and the hand-written templates below: running it twice gives the same
bytes, and a test checks that the committed file is exactly what this script produces. Standard
library only.

What it writes: ~500 mentions of the fictional online retailer **Acme** and its competitors
**Globex** and **Initech**, about 70% English and 30% Turkish, on eight platforms, between
2026-11-06T00:00:00Z and 2026-11-20T00:00:00Z. The baseline follows a daily cycle (busy
09:00-22:00 UTC, quiet at night, lighter at weekends); on 2026-11-19 between 14:00 and 18:00 UTC a
data-breach crisis adds ~80 mostly negative mentions, including a journalist, news outlets and a
tech influencer. Reposts ("RT @..."), quotes and syndicated news give de-duplication work to do.

Every text is made from a template in this file filled with slot values (products, items,
cities, order numbers, durations, amounts); nothing is scraped and every person is invented.
Changing a template or the order of random calls changes the file: re-run the script and commit
both.
"""

# ruff: noqa: E501  (the templates are prose; one sentence per line reads better than wrapped)

from __future__ import annotations

import json
import math
import random
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

SEED = 2026
OUT_PATH = Path(__file__).resolve().parents[1] / "listener" / "demo" / "sample_mentions.jsonl"
TEXTS = json.loads(Path(__file__).with_name("sample_texts.json").read_text(encoding="utf-8"))

START = datetime(2026, 11, 6, tzinfo=UTC)
END = datetime(2026, 11, 20, tzinfo=UTC)
CRISIS_START = datetime(2026, 11, 19, 14, tzinfo=UTC)
CRISIS_END = datetime(2026, 11, 19, 18, tzinfo=UTC)

KEYS = (
    "platform",
    "external_id",
    "url",
    "text",
    "title",
    "kind",
    "author",
    "engagement",
    "rating",
    "published_at",
    "language",
    "brand",
)

# ---------------------------------------------------------------------------------------------
# Brands and slot values
# ---------------------------------------------------------------------------------------------

BRANDS = TEXTS["BRANDS"]

EN_ITEMS = TEXTS["EN_ITEMS"]
EN_CITIES = TEXTS["EN_CITIES"]
EN_HOLD = ["45 minutes", "an hour", "90 minutes", "2 hours", "two and a half hours", "3 hours"]
EN_DAYS = ["3 days", "5 days", "a week", "9 days", "two weeks", "three weeks", "11 days"]
EN_AMOUNTS = ["$12.99", "$24.50", "$49.99", "$89.00", "$129.99", "$7.49", "$310.00", "£34.99", "£18.00"]
EN_AGENTS = ["Priya", "Tom", "Marcus", "Jenna", "Aisha", "Luis", "Hannah", "Kenji"]

TR_ITEMS = TEXTS["TR_ITEMS"]
# (nominative, locative, dative, ablative): Turkish suffixes follow vowel harmony and
# consonant assimilation, so they are written out by hand.
TR_CITIES = TEXTS["TR_CITIES"]
TR_DAYS = [3, 4, 5, 6, 8, 10, 12, 15]
TR_AMOUNTS = ["149,90", "349,90", "1.249", "2.199", "89,99", "4.750", "629,50"]
EN_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# lower case: Turkish writes day names in lower case mid-sentence ("çarşamba akşamı")
TR_WEEKDAYS = ["pazartesi", "salı", "çarşamba", "perşembe", "cuma", "cumartesi", "pazar"]

# ---------------------------------------------------------------------------------------------
# Templates. Slots: {B} brand, {C} the other brand in a comparison, {pay} {prime} {app} the
# brand's products ({Cpay}... for C), {item}, {item2}, {city}, {city2}, {order}, {hold}, {days},
# {amount}, {agent}, {n}, {since}; Turkish adds {Bgen} {Babl} {Bdat} {Bacc} {Bloc} (and C...),
# {city_loc} {city_dat} {city_abl}, {d} (days), {h} (hours), {tl} (amount in TL).
# "complaint_quiet" templates describe a problem WITHOUT negative words (a lexicon-based
# sentiment model scores them neutral or positive); keep it that way when editing.
# ---------------------------------------------------------------------------------------------

TEMPLATES = TEXTS["TEMPLATES"]

# Titles for app store reviews and reddit posts, by category.
TITLES = TEXTS["TITLES"]

# Baseline news stories: (brand, title, text). Each runs once, sometimes syndicated.
NEWS = TEXTS["NEWS"]

# --- the crisis: 2026-11-19, 14:00-18:00 UTC --------------------------------------------------

CRISIS_NEG = TEXTS["CRISIS_NEG"]
CRISIS_QUESTION = TEXTS["CRISIS_QUESTION"]
CRISIS_HN_COMMENTS = TEXTS["CRISIS_HN_COMMENTS"]
CRISIS_REDDIT_COMMENTS = TEXTS["CRISIS_REDDIT_COMMENTS"]

SUBREDDITS = TEXTS["SUBREDDITS"]

# ---------------------------------------------------------------------------------------------
# Authors
# ---------------------------------------------------------------------------------------------

EN_FIRST = TEXTS["EN_FIRST"]
EN_LAST = TEXTS["EN_LAST"]
EN_NICKS = TEXTS["EN_NICKS"]
TR_FIRST = TEXTS["TR_FIRST"]
TR_LAST = TEXTS["TR_LAST"]
TR_NICKS = TEXTS["TR_NICKS"]
MASTODON_INSTANCES = ["mastodon.social", "fosstodon.org", "mstdn.social", "hachyderm.io", "sosyal.network"]

_FOLD = str.maketrans("çğıİöşüÇĞÖŞÜâÂ", "cgiiosuCGOSUaA")

# Accounts that matter to the story: (platform, handle, name, reach).
JOURNALIST = ("twitter", "danawhitfield", "Dana Whitfield", 250_000)
JOURNALIST_TR = ("twitter", "selinaydin_haber", "Selin Aydın", 180_000)
INFLUENCER = ("twitter", "theo_tech", "Theo Marsh", 1_200_000)
INFLUENCER_YT = ("youtube", "TheoTechReviews", "Theo Marsh", 1_850_000)
ANALYST = ("bluesky", "rachel-retail.bsky.social", "Rachel Osei (retail analyst)", 58_000)
ACME_OFFICIAL = ("twitter", "Acme", "Acme", 310_000)
ACME_SUPPORT = ("twitter", "AcmeSupport", "Acme Support", 95_000)
ACME_DESTEK = ("twitter", "AcmeDestek", "Acme Destek", 64_000)

NEWS_OUTLETS = TEXTS["NEWS_OUTLETS"]

YOUTUBE_VIDEOS = TEXTS["YOUTUBE_VIDEOS"]
APPSTORE_APPS = {"Acme": 1493827160, "Globex": 1550231874, "Initech": 1602847391}

B32_SORT = "234567abcdefghijklmnopqrstuvwxyz"
B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
TWITTER_EPOCH_MS = 1288834974657


def _fold(s: str) -> str:
    return s.translate(_FOLD)


def _b36(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = B36[r] + out
    return out or "0"


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _fold(title).lower().replace("'", "")).strip("-")


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class Authors:
    """Invented accounts per (platform, language); some people post more than once."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.pools: dict[tuple[str, str], list[dict]] = {}
        self.taken: set[tuple[str, str]] = set()
        self.special: dict[str, dict] = {}
        for plat, handle, name, reach in (
            JOURNALIST,
            JOURNALIST_TR,
            INFLUENCER,
            INFLUENCER_YT,
            ANALYST,
            ACME_OFFICIAL,
            ACME_SUPPORT,
            ACME_DESTEK,
        ):
            self.special[handle] = self._account(plat, handle, name, reach)

    def _account(self, platform: str, handle: str, name: str, reach: int) -> dict:
        self.taken.add((platform, handle))
        acc = {"handle": handle, "name": name, "reach": reach}
        if platform == "bluesky":
            acc["did"] = "did:plc:" + "".join(self.rng.choice(B32_SORT[6:] + "234567") for _ in range(24))
        return acc

    def _reach(self, platform: str) -> int:
        mu, sigma = {
            "twitter": (5.3, 1.5),
            "bluesky": (4.8, 1.4),
            "mastodon": (4.6, 1.3),
            "youtube": (2.5, 1.6),
            "reddit": (4.5, 1.5),
            "hackernews": (6.0, 1.3),
            "appstore": (0.0, 0.0),
        }[platform]
        if platform == "appstore":
            return 0
        return max(3, int(math.exp(self.rng.gauss(mu, sigma))))

    def _new(self, platform: str, lang: str) -> dict:
        rng = self.rng
        first_names, last_names, nicks = (
            (TR_FIRST, TR_LAST, TR_NICKS) if lang == "tr" else (EN_FIRST, EN_LAST, EN_NICKS)
        )
        for _ in range(100):
            first, last = rng.choice(first_names), rng.choice(last_names)
            f, la = _fold(first).lower(), _fold(last).lower()
            style = rng.randrange(6)
            if style == 0:
                handle, name = f + la, f"{first} {last}"
            elif style == 1:
                handle, name = f"{f}_{la[0]}", f"{first} {last[0]}."
            elif style == 2:
                handle, name = f"{f}{rng.randrange(1, 99)}", first
            elif style == 3:
                nick = rng.choice(nicks)
                handle, name = nick + (str(rng.randrange(2, 99)) if rng.random() < 0.5 else ""), first
            elif style == 4:
                handle, name = f"{f}.{la}", f"{first} {last}"
            else:
                handle, name = f"{la}{f[0]}{rng.randrange(70, 100)}", f"{first} {last}"
            if platform == "twitter":
                handle = handle.replace(".", "_")[:15]
            elif platform == "bluesky":
                handle = handle.replace("_", "-").replace(".", "-") + ".bsky.social"
            elif platform == "mastodon":
                handle = handle.replace(".", "_") + "@" + rng.choice(MASTODON_INSTANCES)
            elif platform in ("reddit", "hackernews"):
                handle = handle.replace(".", "_")
                name = handle
            elif platform == "youtube":
                handle = "@" + handle.replace(".", "")
                name = name if " " in name else handle[1:]
            elif platform == "appstore":
                handle = handle.replace(".", "").replace("_", "")
                name = handle
            if (platform, handle) not in self.taken:
                return self._account(platform, handle, name, self._reach(platform))
        raise RuntimeError("could not invent a fresh handle")

    def pick(self, platform: str, lang: str, p_new: float = 0.3) -> dict:
        pool = self.pools.setdefault((platform, lang), [])
        if platform == "appstore":
            p_new = 0.97
        if pool and self.rng.random() >= p_new:
            weights = [1.0 / (i + 1) ** 0.6 for i in range(len(pool))]
            return self.rng.choices(pool, weights)[0]
        acc = self._new(platform, lang)
        pool.append(acc)
        return acc


# ---------------------------------------------------------------------------------------------
# Building one mention
# ---------------------------------------------------------------------------------------------

SENTIMENT = TEXTS["SENTIMENT"]
EMOJI = {
    "pos": ["😍", "🙌", "👏", "🔥", "❤️", "💯", "😊"],
    "neg": ["😡", "🤬", "😤", "😩", "👎", "🙄"],
    "neu": ["🤔", "👀", "🙏"],
    "sarc": ["🙃", "🙄", "😂", "👏"],
}
TOPIC_TAGS = TEXTS["TOPIC_TAGS"]
CRISIS_TAGS = {"en": ["#AcmeBreach", "#BoycottAcme", "#databreach"], "tr": ["#AcmeBoykot", "#verisızıntısı"]}

PLATFORM_WEIGHTS = {
    "en": {
        "twitter": 33,
        "reddit": 15,
        "mastodon": 9,
        "bluesky": 11,
        "hackernews": 6,
        "youtube": 10,
        "appstore": 16,
    },
    "tr": {"twitter": 48, "youtube": 16, "appstore": 22, "reddit": 6, "bluesky": 5, "mastodon": 3},
}
TEXT_LIMIT = {"twitter": 280, "bluesky": 300, "mastodon": 500}


class Builder:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.authors = Authors(rng)
        self.used_ids: set[tuple[str, str]] = set()
        self.seen_texts: set[str] = set()
        self.hn_seq = 0

    # --- slots ---------------------------------------------------------------------------------
    def slots(self, lang: str, brand: str, t: datetime, other: str | None = None) -> dict[str, str]:
        rng = self.rng
        other = other or rng.choice([b for b in BRANDS if b != brand])
        s: dict[str, str] = {"B": brand, "C": other}
        for prefix, b in (("", brand), ("C", other)):
            for k, v in BRANDS[b][lang].items():
                s[prefix + k] = v
        if lang == "tr":
            for k in ("gen", "abl", "dat", "acc", "loc"):
                s["B" + k] = BRANDS[brand]["tr"][k]
                s["C" + k] = BRANDS[other]["tr"][k]
            city, city2 = rng.sample(TR_CITIES, 2)
            s.update(
                item=rng.choice(TR_ITEMS),
                city=city[0],
                city_loc=city[1],
                city_dat=city[2],
                city_abl=city[3],
                city2=city2[0],
                d=str(rng.choice(TR_DAYS)),
                h=str(rng.choice([1, 2, 3])),
                tl=rng.choice(TR_AMOUNTS),
                n=str(rng.randrange(2, 6)),
                weekday=TR_WEEKDAYS[t.weekday()],
            )
        else:
            item, item2 = rng.sample(EN_ITEMS, 2)
            city, city2 = rng.sample(EN_CITIES, 2)
            since = t - timedelta(days=rng.randrange(3, 6))
            s.update(
                item=item,
                item2=item2,
                city=city,
                city2=city2,
                hold=rng.choice(EN_HOLD),
                days=rng.choice(EN_DAYS),
                amount=rng.choice(EN_AMOUNTS),
                agent=rng.choice(EN_AGENTS),
                n=str(rng.randrange(2, 7)),
                since=EN_WEEKDAYS[since.weekday()],
                weekday=EN_WEEKDAYS[t.weekday()],
                tl="",
            )
        s["order"] = BRANDS[brand]["order"] + str(rng.randrange(10_000_000, 99_999_999))
        return s

    def fill(self, template: str, slots: dict[str, str], lang: str) -> str:
        text = template.format_map(slots)
        if lang == "en" and text[:1].islower():
            text = text[0].upper() + text[1:]
        return text

    # --- decoration (emoji, hashtags, @handles, links) -----------------------------------------
    def decorate(self, text: str, platform: str, lang: str, brand: str, sentiment: str, category: str) -> str:
        rng = self.rng
        if platform not in ("twitter", "bluesky", "mastodon", "youtube"):
            return text
        if platform == "twitter" and sentiment in ("neg", "sarc") and rng.random() < 0.35:
            text = f"{BRANDS[brand]['support'][lang]} {text}"
        if rng.random() < (0.55 if sentiment in ("pos", "sarc") else 0.35):
            text = f"{text} {rng.choice(EMOJI[sentiment])}"
        tag_p = {"twitter": 0.3, "mastodon": 0.6, "bluesky": 0.15, "youtube": 0.0}[platform]
        if rng.random() < tag_p:
            tags = [rng.choice(BRANDS[brand]["tags"][lang])]
            if category.startswith("crisis"):
                tags.append(rng.choice(CRISIS_TAGS[lang]))
            elif rng.random() < 0.5:
                tags.append(rng.choice(TOPIC_TAGS[lang][sentiment]))
            if brand == "Acme" and lang == "tr" and category == "complaint" and rng.random() < 0.5:
                tags.append("#AcmeRezalet")
            text = f"{text} {' '.join(dict.fromkeys(tags))}"
        if platform == "twitter" and brand == "Acme" and sentiment == "neg" and rng.random() < 0.06:
            text = f"{text} https://acme.example.com/help/orders"
        return text

    # --- ids and urls ----------------------------------------------------------------------------
    def ids(
        self,
        platform: str,
        author: dict,
        t: datetime,
        lang: str,
        brand: str,
        kind: str,
        title: str | None,
        parent: dict | None = None,
    ) -> tuple[str, str]:
        rng = self.rng
        ms = int(t.timestamp() * 1000) + rng.randrange(1000)
        secs = int((t - START).total_seconds())
        h = author["handle"]
        if platform == "twitter":
            sid = str(((ms - TWITTER_EPOCH_MS) << 22) | rng.randrange(1 << 22))
            return "tw-" + sid, f"https://x.com/{h}/status/{sid}"
        if platform == "mastodon":
            mid = str((ms << 16) | rng.randrange(1 << 16))
            user, instance = h.split("@")
            return mid, f"https://{instance}/@{user}/{mid}"
        if platform == "bluesky":
            v = ((ms * 1000 + rng.randrange(1000)) << 10) | rng.randrange(1024)
            tid = "".join(B32_SORT[(v >> (5 * i)) & 31] for i in range(12, -1, -1))
            return (
                f"at://{author['did']}/app.bsky.feed.post/{tid}",
                f"https://bsky.app/profile/{h}/post/{tid}",
            )
        if platform == "reddit":
            if kind == "post":
                pid = _b36(int("1p4k000", 36) + secs * 3 + rng.randrange(3))
                sub = (parent or {}).get("sub") or self.subreddit(lang, brand)
                return (
                    "t3_" + pid,
                    f"https://www.reddit.com/r/{sub}/comments/{pid}/{_slug(title or '')[:50]}/",
                )
            cid = _b36(int("n8a0000", 36) + secs * 45 + rng.randrange(45))
            if parent is None:
                parent = self.reddit_thread(lang, brand)
            return (
                "t1_" + cid,
                f"https://www.reddit.com/r/{parent['sub']}/comments/{parent['id']}/{parent['slug']}/{cid}/",
            )
        if platform == "hackernews":
            self.hn_seq += 1
            oid = str(49_800_000 + secs * 9 // 60 + self.hn_seq)
            return oid, f"https://news.ycombinator.com/item?id={oid}"
        if platform == "youtube":
            cid = (
                rng.choice(["Ugz", "Ugx", "Ugw", "Ugy"])
                + "".join(rng.choice(B64URL) for _ in range(17))
                + "4AaABAg"
            )
            vid = (parent or {}).get("video") or rng.choice(YOUTUBE_VIDEOS[lang])
            return cid, f"https://www.youtube.com/watch?v={vid}&lc={cid}"
        if platform == "appstore":
            rid = str(12_040_000_000 + secs * 37 + rng.randrange(37))
            cc = "tr" if lang == "tr" else rng.choice(["us", "us", "gb"])
            return (
                rid,
                f"https://apps.apple.com/{cc}/app/{brand.lower()}-shopping/id{APPSTORE_APPS[brand]}?see-all=reviews",
            )
        raise ValueError(platform)

    def subreddit(self, lang: str, brand: str) -> str:
        if lang == "tr":
            return self.rng.choice(SUBREDDITS["tr"])
        if brand == "Globex" and self.rng.random() < 0.5:
            return "Globex"
        return self.rng.choice(SUBREDDITS["en"])

    def reddit_thread(self, lang: str, brand: str) -> dict:
        """An existing thread (not itself in the data set) that a comment replies to."""
        rng = self.rng
        sub = self.subreddit(lang, brand)
        topic = rng.choice(["megathread", "weekly_discussion", "experiences", "help", "questions"])
        return {
            "sub": sub,
            "id": _b36(int("1ox0000", 36) + rng.randrange(900_000)),
            "slug": f"{brand.lower()}_{topic}",
        }

    # --- engagement ------------------------------------------------------------------------------
    def engagement(self, platform: str, reach: int, kind: str, boost: float = 1.0) -> dict:
        rng = self.rng
        if platform == "rss":
            return {"likes": 0, "replies": 0, "reposts": 0}
        if platform == "appstore":
            return {
                "likes": rng.choice([0, 0, 0, 1, 1, 2, 3, 5]),
                "replies": rng.choice([0, 0, 0, 1]),
                "reposts": 0,
            }
        if platform == "hackernews":
            if kind == "post":
                pts = int(rng.uniform(20, 120) * boost)
                return {"likes": pts, "replies": int(pts * rng.uniform(0.3, 0.7)), "reposts": 0}
            return {"likes": 0, "replies": rng.choice([0, 0, 1, 2, 4]), "reposts": 0}
        if platform == "reddit":
            score = int(math.exp(rng.gauss(1.8, 1.2)) * boost)
            return {"likes": score, "replies": int(score * rng.uniform(0.05, 0.4)), "reposts": 0}
        rate = rng.uniform(0.002, 0.03) * boost
        likes = int(reach * rate) + rng.randrange(0, 4)
        replies = int(likes * rng.uniform(0.03, 0.2)) + rng.choice([0, 0, 1])
        reposts = 0 if platform == "youtube" else int(likes * rng.uniform(0.02, 0.25))
        return {"likes": likes, "replies": replies, "reposts": reposts}

    # --- the record ------------------------------------------------------------------------------
    def mention(
        self,
        *,
        platform: str,
        t: datetime,
        text: str,
        lang: str,
        brand: str,
        kind: str,
        author: dict,
        title: str | None = None,
        rating: int | None = None,
        parent: dict | None = None,
        boost: float = 1.0,
        external_id: str | None = None,
        url: str | None = None,
    ) -> dict:
        if external_id is None:
            external_id, url = self.ids(platform, author, t, lang, brand, kind, title, parent)
        if (platform, external_id) in self.used_ids:
            raise RuntimeError(f"duplicate id {platform} {external_id}")
        self.used_ids.add((platform, external_id))
        limit = TEXT_LIMIT.get(platform)
        if limit and len(text) > limit:
            raise RuntimeError(f"text too long for {platform}: {text!r}")
        return {
            "platform": platform,
            "external_id": external_id,
            "url": url,
            "text": text,
            "title": title,
            "kind": kind,
            "author": {"handle": author["handle"], "name": author["name"], "reach": author["reach"]},
            "engagement": self.engagement(platform, author["reach"], kind, boost),
            "rating": rating,
            "published_at": _iso(t),
            "language": lang,
            "brand": brand,
        }

    def from_template(
        self, t: datetime, lang: str, category: str, brand: str, platform: str | None = None
    ) -> dict:
        rng = self.rng
        if platform is None:
            weights = PLATFORM_WEIGHTS[lang]
            platform = rng.choices(list(weights), list(weights.values()))[0]
            if platform == "hackernews" and category in ("sarcasm",):
                platform = "twitter"
        other = None
        if category == "comparison":
            other = "Acme" if brand != "Acme" else rng.choice(["Globex", "Globex", "Initech"])
        # the same words from two strangers look like a copy: only reposts and syndication repeat
        for _ in range(60):
            slots = self.slots(lang, brand, t, other)
            text = self.fill(rng.choice(TEMPLATES[category][lang]), slots, lang)
            if text not in self.seen_texts:
                break
        self.seen_texts.add(text)
        sentiment = SENTIMENT[category]
        title = rating = None
        if platform == "appstore":
            kind = "review"
            title = rng.choice(TITLES[category][lang])
            rating = {
                "praise": rng.choice([4, 5, 5, 5]),
                "complaint_quiet": rng.choice([1, 2, 2, 3]),
                "complaint": rng.choice([1, 1, 2]),
                "question": rng.choice([3, 4, 4]),
                "comparison": rng.choice([2, 3, 3, 4]),
                "sarcasm": 1,
            }[category]
        elif platform == "reddit" and rng.random() < 0.4:
            kind = "post"
            if category == "question":
                title = text
                text += " Şimdiden teşekkürler." if lang == "tr" else " Thanks in advance!"
            else:  # a self post: the first sentence makes the title
                title = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
        elif platform in ("reddit", "hackernews", "youtube"):
            kind = "comment"
        else:
            kind = "post"
        if platform == "twitter" and rng.random() < 0.08:
            mate = self.authors.pick("twitter", lang, p_new=0.0)
            text = f"@{mate['handle']} {text}"
        text = self.decorate(text, platform, lang, brand, sentiment, category)
        author = self.authors.pick(platform, lang)
        return self.mention(
            platform=platform,
            t=t,
            text=text,
            lang=lang,
            brand=brand,
            kind=kind,
            author=author,
            title=title,
            rating=rating,
        )

    def news(
        self, t: datetime, lang: str, brand: str, title: str, text: str, outlet: tuple[str, str, int]
    ) -> dict:
        domain, name, reach = outlet
        url = f"https://{domain}/{t:%Y/%m/%d}/{_slug(title)}"
        acc = {"handle": domain, "name": name, "reach": reach}
        return self.mention(
            platform="rss",
            t=t,
            text=text,
            lang=lang,
            brand=brand,
            kind="news",
            author=acc,
            title=title,
            external_id=url,
            url=url,
        )


# ---------------------------------------------------------------------------------------------
# Time
# ---------------------------------------------------------------------------------------------

# Relative activity by UTC hour: quiet at night, busy 09:00-22:00, evening peak.
HOUR_WEIGHTS = [
    0.35,
    0.2,
    0.12,
    0.1,
    0.1,
    0.15,
    0.3,
    0.55,
    0.8,
    1.0,
    1.1,
    1.15,
    1.2,
    1.15,
    1.1,
    1.1,
    1.1,
    1.15,
    1.25,
    1.35,
    1.35,
    1.2,
    0.9,
    0.6,
]


def day_times(rng: random.Random, day: datetime, n: int) -> list[datetime]:
    """n times in one day, spread by systematic sampling over HOUR_WEIGHTS (stable hour counts)."""
    total = sum(HOUR_WEIGHTS)
    out = []
    for i in range(n):
        u = (i + rng.random()) / n * total
        acc = 0.0
        for hour, w in enumerate(HOUR_WEIGHTS):
            if u < acc + w or hour == 23:
                frac = min(max((u - acc) / w, 0.0), 0.9999)
                out.append(day + timedelta(seconds=int((hour + frac) * 3600)))
                break
            acc += w
    return out


def business_time(rng: random.Random, day: datetime) -> datetime:
    return day + timedelta(hours=rng.randrange(7, 17), minutes=rng.randrange(60), seconds=rng.randrange(60))


# ---------------------------------------------------------------------------------------------
# The data set
# ---------------------------------------------------------------------------------------------

CATEGORY_WEIGHTS = {
    "en": {
        "praise": 27,
        "complaint_quiet": 19,
        "complaint": 15,
        "question": 15,
        "comparison": 9,
        "sarcasm": 5,
    },
    "tr": {
        "praise": 27,
        "complaint_quiet": 22,
        "complaint": 16,
        "question": 14,
        "comparison": 8,
        "sarcasm": 4,
    },
}
# Share of ordinary mentions that are about a competitor only.
COMPETITOR_SHARE = 0.19


def build(rng: random.Random) -> list[dict]:
    b = Builder(rng)
    out: list[dict] = []

    # 1. ordinary chatter with a daily cycle, lighter at weekends
    days = [START + timedelta(days=i) for i in range(14)]
    for day in days:
        n = (19 if day.weekday() >= 5 else 28) + rng.randrange(-2, 3)
        for t in day_times(rng, day, n):
            lang = "tr" if rng.random() < 0.29 else "en"
            cats = CATEGORY_WEIGHTS[lang]
            category = rng.choices(list(cats), list(cats.values()))[0]
            brand = "Acme"
            if category not in ("comparison",) and rng.random() < COMPETITOR_SHARE:
                brand = rng.choice(["Globex", "Globex", "Initech"])
            out.append(b.from_template(t, lang, category, brand))

    # 2. news, once each, on weekdays before the crisis day, some syndicated or cross-posted
    weekdays = [d for d in days if d.weekday() < 5 and d.day != 19]
    news_days = rng.sample(weekdays, len(weekdays)) * 2  # about two stories a weekday, spread out
    for lang in ("en", "tr"):
        outlets = NEWS_OUTLETS[lang]
        for brand, title_t, text_t in NEWS[lang]:
            t = business_time(rng, news_days.pop())
            slots = b.slots(lang, brand, t)
            title, text = b.fill(title_t, slots, lang), b.fill(text_t, slots, lang)
            first, *others = rng.sample(outlets, len(outlets))
            out.append(b.news(t, lang, brand, title, text, first))
            if rng.random() < 0.5:
                for outlet in others[: rng.choice([1, 1, 2])]:
                    t2 = t + timedelta(minutes=rng.randrange(25, 240))
                    out.append(b.news(t2, lang, brand, title, text, outlet))
            if lang == "en" and rng.random() < 0.4:
                t3 = t + timedelta(minutes=rng.randrange(20, 180))
                link = f"https://{first[0]}/{t:%Y/%m/%d}/{_slug(title)}"
                platform, sep = ("hackernews", " (") if rng.random() < 0.5 else ("reddit", " ")
                out.append(
                    b.mention(
                        platform=platform,
                        t=t3,
                        text=f"{title}{sep}{link}{')' if platform == 'hackernews' else ''}",
                        lang=lang,
                        brand=brand,
                        kind="post",
                        author=b.authors.pick(platform, "en"),
                        title=title,
                    )
                )

    # 3. a few recurring voices with big reach, outside the crisis
    analyst = b.authors.special[ANALYST[1]]
    for text, day in (
        (
            "Acme's same-day expansion is the most aggressive move in online retail this quarter. Globex "
            "will have to answer before Black Friday.",
            10,
        ),
        (
            "Hearing Acme Prime renewals are holding up despite the price rise. Initech One is cheaper but "
            "nobody I talk to is switching.",
            13,
        ),
        (
            "Globex's new warehouse numbers look strong on paper. The real test is whether their delivery "
            "promises hold up in December.",
            17,
        ),
    ):
        t = business_time(rng, START + timedelta(days=day - 6))
        brand = "Globex" if text.startswith("Globex") else "Acme"
        out.append(
            b.mention(
                platform="bluesky",
                t=t,
                text=text,
                lang="en",
                brand=brand,
                kind="post",
                author=analyst,
                boost=0.6,
            )
        )
    theo = b.authors.special[INFLUENCER[1]]
    t = business_time(rng, START + timedelta(days=5))
    out.append(
        b.mention(
            platform="twitter",
            t=t,
            lang="en",
            brand="Acme",
            kind="post",
            author=theo,
            text="Ran the same 10 orders through Acme and Globex this week. Acme won on speed 7 "
            "times out of 10, Globex on packaging. Full video Sunday. #AcmeVsGlobex",
            boost=0.5,
        )
    )
    support = b.authors.special[ACME_SUPPORT[1]]
    helped: set[str] = set()
    for _ in range(4):
        day = rng.choice(days[:-1])
        t = business_time(rng, day)
        mate = b.authors.pick("twitter", "en", p_new=0.0)
        while mate["handle"] in helped:
            mate = b.authors.pick("twitter", "en", p_new=0.0)
        helped.add(mate["handle"])
        out.append(
            b.mention(
                platform="twitter",
                t=t,
                lang="en",
                brand="Acme",
                kind="post",
                author=support,
                text=f"@{mate['handle']} Sorry about this! Please DM us your order number and "
                "we'll look into it right away.",
                boost=0.05,
            )
        )

    # 4. reposts and near-copies of ordinary posts
    originals = [
        m
        for m in out
        if m["platform"] == "twitter" and not m["text"].startswith("RT ") and m["author"]["reach"] >= 200
    ]
    originals.sort(key=lambda m: (m["published_at"], m["external_id"]))
    for m in rng.sample(originals, 16):
        t0 = datetime.fromisoformat(m["published_at"].replace("Z", "+00:00"))
        t = min(t0 + timedelta(minutes=rng.randrange(3, 300)), END - timedelta(minutes=1))
        if CRISIS_START <= t < CRISIS_END:
            t = CRISIS_END + timedelta(minutes=rng.randrange(30, 300))
        if t >= END:
            continue
        au = b.authors.pick("twitter", m["language"], p_new=0.3)
        out.append(
            b.mention(
                platform="twitter",
                t=t,
                lang=m["language"],
                brand=m["brand"],
                kind="post",
                author=au,
                text=f"RT @{m['author']['handle']}: {m['text']}"[:280],
                boost=0.1,
            )
        )
    quotable = [
        m
        for m in out
        if m["platform"] in ("twitter", "bluesky", "mastodon")
        and m["kind"] == "post"
        and not m["text"].startswith(("RT ", "@"))
    ]
    quotable.sort(key=lambda m: (m["published_at"], m["external_id"]))
    for m in rng.sample(quotable, 8):
        lang = m["language"]
        lead = rng.choice(
            ["Aynısı bende de oldu.", "Aynen, bende de.", "+1"]
            if lang == "tr"
            else ["Same here.", "This.", "+1, exactly this.", "Same thing happened to me."]
        )
        t0 = datetime.fromisoformat(m["published_at"].replace("Z", "+00:00"))
        t = t0 + timedelta(minutes=rng.randrange(10, 600))
        if t >= END or (CRISIS_START <= t < CRISIS_END):
            continue
        au = b.authors.pick(m["platform"], lang)
        out.append(
            b.mention(
                platform=m["platform"],
                t=t,
                lang=lang,
                brand=m["brand"],
                kind="post",
                author=au,
                text=f"{lead} {m['text']}"[: TEXT_LIMIT[m["platform"]]],
            )
        )

    out.extend(build_crisis(rng, b))
    out.sort(key=lambda m: (m["published_at"], m["platform"], m["external_id"]))
    return out


def _at(h: int, m: int, s: int = 0) -> datetime:
    return datetime(2026, 11, 19, h, m, s, tzinfo=UTC)


def crisis_time(rng: random.Random) -> datetime:
    """A time in the crisis window, weighted to 15:00-16:00 (the peak)."""
    hour = rng.choices([14, 15, 16, 17], [16, 32, 30, 22])[0]
    first_minute = 8 if hour == 14 else 0  # people react after the 14:03 scoop
    return _at(hour, rng.randrange(first_minute, 60), rng.randrange(60))


def build_crisis(rng: random.Random, b: Builder) -> list[dict]:
    out: list[dict] = []
    sp = b.authors.special
    dana, selin, theo, acme, destek = (
        sp[a[1]] for a in (JOURNALIST, JOURNALIST_TR, INFLUENCER, ACME_OFFICIAL, ACME_DESTEK)
    )

    def tw(t: datetime, author: dict, text: str, lang: str = "en", boost: float = 1.0) -> dict:
        m = b.mention(
            platform="twitter",
            t=t,
            text=text,
            lang=lang,
            brand="Acme",
            kind="post",
            author=author,
            boost=boost,
        )
        out.append(m)
        return m

    # the scoop, the statement, the follow-ups
    scoop = tw(
        _at(14, 3, 12),
        dana,
        "SCOOP: Acme is investigating a data breach. Two sources say card details "
        "of Acme Pay customers have been for sale on a forum since this morning. Acme has not responded "
        "to requests for comment. More soon.",
        boost=1.5,
    )
    update = tw(
        _at(15, 48, 40),
        dana,
        "Update: Acme confirms the data breach to me and says it has "
        "'contained the incident'. Still no answer on how many Acme Pay cards leaked.",
        boost=1.2,
    )
    scoop_tr = tw(
        _at(15, 6, 5),
        selin,
        "SON DAKİKA: Acme'de veri sızıntısı. Acme Pay kullanıcılarının kart "
        "bilgilerinin bir forumda satışa çıkarıldığı iddia ediliyor. Şirketten henüz açıklama yok.",
        lang="tr",
        boost=1.3,
    )
    psa = tw(
        _at(15, 34, 50),
        theo,
        "PSA: if you've ever saved a card in Acme Pay, freeze it now. This Acme data "
        "breach looks bad. Breakdown video tonight. #AcmeBreach",
        boost=0.8,
    )
    tw(
        _at(16, 21, 30),
        acme,
        "We are aware of a security incident affecting some Acme Pay accounts. We have "
        "contained it, informed the authorities and will contact affected customers directly. Updates: "
        "https://acme.example.com/security",
        boost=0.6,
    )
    tw(
        _at(16, 47, 10),
        destek,
        "Bazı Acme Pay hesaplarını etkileyen bir güvenlik olayından haberdarız. Olay "
        "kontrol altına alındı; etkilenen müşterilerimizle doğrudan iletişime geçeceğiz. Güncel bilgi: "
        "https://acme.example.com/tr/guvenlik",
        lang="tr",
        boost=0.6,
    )

    # reposts of the big accounts
    for src, n, lo, hi in (
        (scoop, 8, (14, 5), (15, 50)),
        (scoop_tr, 5, (15, 8), (17, 30)),
        (psa, 3, (15, 36), (17, 0)),
        (update, 2, (15, 50), (17, 40)),
    ):
        for _ in range(n):
            start, stop = _at(*lo), _at(*hi)
            t = start + timedelta(seconds=rng.randrange(int((stop - start).total_seconds())))
            lang = src["language"]
            au = b.authors.pick("twitter", lang, p_new=0.6)
            tw(t, au, f"RT @{src['author']['handle']}: {src['text']}"[:280], lang=lang, boost=0.1)

    # news: first report, syndicated copies, Turkish coverage
    en_title = "Acme investigates data breach affecting Acme Pay customers"
    en_text = (
        "Online retailer Acme said it is investigating a data breach after reports that payment card "
        "details of Acme Pay customers were offered for sale online. The company said it has informed "
        "regulators and urged customers to check their statements."
    )
    out.append(b.news(_at(14, 41, 0), "en", "Acme", en_title, en_text, NEWS_OUTLETS["en"][0]))
    out.append(b.news(_at(15, 12, 0), "en", "Acme", en_title, en_text, NEWS_OUTLETS["en"][2]))
    out.append(b.news(_at(15, 39, 0), "en", "Acme", en_title, en_text, NEWS_OUTLETS["en"][1]))
    tr_title = "Acme'de veri sızıntısı iddiası: kart bilgileri ele geçirilmiş olabilir"
    tr_text = (
        "Çevrim içi perakende şirketi Acme, Acme Pay kullanıcılarına ait kart bilgilerinin internette "
        "satışa çıkarıldığı iddialarını incelediğini açıkladı. Şirket, kullanıcılara hesap hareketlerini "
        "kontrol etmelerini önerdi."
    )
    out.append(b.news(_at(15, 22, 0), "tr", "Acme", tr_title, tr_text, NEWS_OUTLETS["tr"][0]))
    out.append(b.news(_at(16, 5, 0), "tr", "Acme", tr_title, tr_text, NEWS_OUTLETS["tr"][1]))

    # Hacker News and reddit threads
    hn_author = b.authors.pick("hackernews", "en")
    link = f"https://{NEWS_OUTLETS['en'][0][0]}/2026/11/19/{_slug(en_title)}"
    story = b.mention(
        platform="hackernews",
        t=_at(14, 58, 0),
        text=f"Acme data breach exposes Acme Pay card details ({link})",
        lang="en",
        brand="Acme",
        kind="post",
        author=hn_author,
        title="Acme data breach exposes Acme Pay card details",
        boost=2.5,
    )
    out.append(story)
    for i, text in enumerate(CRISIS_HN_COMMENTS):
        t = _at(15, 5 + i * 11, rng.randrange(60)) + timedelta(minutes=rng.randrange(10))
        out.append(
            b.mention(
                platform="hackernews",
                t=t,
                text=text,
                lang="en",
                brand="Acme",
                kind="comment",
                author=b.authors.pick("hackernews", "en", p_new=0.7),
            )
        )
    r_title = "Acme confirms data breach, Acme Pay card details may be exposed"
    r_author = b.authors.pick("reddit", "en")
    post = b.mention(
        platform="reddit",
        t=_at(15, 15, 30),
        text=f"{r_title} {link}",
        lang="en",
        brand="Acme",
        kind="post",
        author=r_author,
        title=r_title,
        parent={"sub": "technology"},
        boost=8,
    )
    out.append(post)
    thread = {
        "sub": "technology",
        "id": post["external_id"][3:],
        "slug": post["url"].rstrip("/").split("/")[-1],
    }
    for i, text in enumerate(CRISIS_REDDIT_COMMENTS):
        t = _at(15, 20 + i * 9, rng.randrange(60)) + timedelta(minutes=rng.randrange(8))
        out.append(
            b.mention(
                platform="reddit",
                t=t,
                text=text,
                lang="en",
                brand="Acme",
                kind="comment",
                author=b.authors.pick("reddit", "en", p_new=0.7),
                parent=thread,
            )
        )

    # ordinary people: angry, scared, asking
    plats = {
        "en": {"twitter": 60, "bluesky": 15, "mastodon": 10, "youtube": 5, "appstore": 10},
        "tr": {"twitter": 70, "youtube": 10, "appstore": 15, "bluesky": 5},
    }
    for lang, n_neg, n_q in (("en", 19, 3), ("tr", 12, 2)):
        negs = rng.sample(CRISIS_NEG[lang], min(n_neg, len(CRISIS_NEG[lang])))
        negs += rng.sample(CRISIS_NEG[lang], n_neg - len(negs))
        items = [("crisis", x) for x in negs] + [("crisis_q", x) for x in CRISIS_QUESTION[lang][:n_q]]
        for category, template in items:
            t = crisis_time(rng)
            platform = rng.choices(list(plats[lang]), list(plats[lang].values()))[0]
            text = b.fill(template, b.slots(lang, "Acme", t), lang)
            title = rating = None
            kind = "post"
            if platform == "appstore":
                kind, rating = "review", 1
                title = rng.choice(
                    ["Data breach", "Delete this app", "Avoid"]
                    if lang == "en"
                    else ["Veri sızıntısı", "Güvenmiyorum", "Boykot"]
                )
            elif platform == "youtube":
                kind = "comment"
            if platform != "appstore":
                text = b.decorate(text, platform, lang, "Acme", SENTIMENT[category], category)
            au = b.authors.pick(platform, lang, p_new=0.55)
            out.append(
                b.mention(
                    platform=platform,
                    t=t,
                    text=text,
                    lang=lang,
                    brand="Acme",
                    kind=kind,
                    author=au,
                    title=title,
                    rating=rating,
                    boost=2.0,
                    parent={"video": YOUTUBE_VIDEOS[lang][0]},
                )
            )

    # the evening after: a short tail, no second spike
    tail_title = "Acme says 'limited number' of accounts hit by data breach"
    tail_text = (
        "Acme said on Thursday evening that a 'limited number' of Acme Pay accounts were affected by "
        "the data breach and that affected cards have been blocked. It did not give a figure."
    )
    out.append(b.news(_at(19, 35, 0), "en", "Acme", tail_title, tail_text, NEWS_OUTLETS["en"][0]))
    out.append(
        b.news(
            _at(20, 10, 0),
            "tr",
            "Acme",
            "Acme: veri sızıntısından 'sınırlı sayıda' hesap etkilendi",
            "Acme, veri sızıntısından sınırlı sayıda Acme Pay hesabının etkilendiğini ve bu kartların "
            "bloke edildiğini açıkladı. Şirket net bir sayı vermedi.",
            NEWS_OUTLETS["tr"][0],
        )
    )
    theo_yt = sp[INFLUENCER_YT[1]]
    for t, lang, text in (
        (
            _at(19, 5, 0),
            "en",
            "Still no email from Acme. Checked my statement, nothing weird so far, fingers crossed.",
        ),
        (_at(21, 40, 0), "en", "Thanks for the breach breakdown, froze my card while watching."),
        (
            _at(22, 15, 0),
            "tr",
            "Kartımı bloke ettirdim, Acme'den hâlâ e-posta yok. Veri sızıntısı için resmi liste yayınlansın.",
        ),
    ):
        platform = "youtube" if "breakdown" in text else "twitter"
        au = b.authors.pick(platform, lang)
        out.append(
            b.mention(
                platform=platform,
                t=t,
                text=text,
                lang=lang,
                brand="Acme",
                kind="comment" if platform == "youtube" else "post",
                author=au,
                parent={"video": "Zr5wA7kPq2E"},
            )
        )
    out.append(
        b.mention(
            platform="youtube",
            t=_at(21, 2, 0),
            lang="en",
            brand="Acme",
            kind="post",
            author=theo_yt,
            text="New video: What the Acme data breach means for you (and what to "
            "do tonight). https://www.youtube.com/watch?v=Zr5wA7kPq2E",
            external_id="Zr5wA7kPq2E",
            url="https://www.youtube.com/watch?v=Zr5wA7kPq2E",
            boost=0.3,
        )
    )
    return out


def render(mentions: list[dict]) -> str:
    lines = []
    for m in mentions:
        assert tuple(m) == KEYS, tuple(m)
        lines.append(json.dumps(m, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def main(out_path: str | Path = OUT_PATH) -> Path:
    """Write the data set to ``out_path`` (default: ``sample_mentions.jsonl`` next to this file)."""
    out_path = Path(out_path)
    mentions = build(random.Random(SEED))
    out_path.write_text(render(mentions), encoding="utf-8", newline="\n")
    return out_path


if __name__ == "__main__":
    path = main(sys.argv[1] if len(sys.argv) > 1 else OUT_PATH)
    print(f"wrote {path}")
