"""Generated comments for the tests and the benchmark: many authors, a few of them flooding or
posting the same text again, delivery complaints (replies with a cooldown), and bursts of
"broken" reports that wake the global crisis window. Times are ISO 8601 with whole seconds, so
many comments share a second, and the lines are not in time order (up to a minute early or late)."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone

_BASE = datetime(2026, 3, 1, tzinfo=timezone.utc)
_PLAIN = [
    "Great product, thanks!", "When does the new collection come out?", "I love this lamp",
    "Does it ship to Belgium?", "Nice colours this season", "What is the warranty on the shades?",
]
_DELIVERY = ["My delivery is late again", "Order 4411 still not here, delivery late", "late delivery, any news?"]
_INSULT = ["you are an idiot", "what a clown", "moron support team"]
_BROKEN = ["my lamp arrived broken", "the app has an outage", "broken again after one day"]
_LINK = ["buy cheap lamps at https://spam.example/deal", "free gift https://promo.example"]


def generate(n: int, seed: int = 7, authors: int = 5000):
    """`n` comments as dicts, in file order (not time order)."""
    rng = random.Random(seed)
    names = ["Ana", "Ben", "Chloé", "Dev", "Emma", "Farid", "Gus", "Hana"]
    out = []
    spam_texts = {}
    for i in range(n):
        # A heavy-tailed author distribution: a few very active authors, a long tail.
        a = int(authors * rng.random() ** 3)
        t = _BASE + timedelta(seconds=i * 0.5 + rng.randint(-60, 60))
        hour = int(i * 0.5 // 3600)
        r = rng.random()
        if a < 20 and r < 0.5:
            # Spammers: the same text again and again, in bursts.
            text = spam_texts.setdefault(a, rng.choice(_LINK + _PLAIN))
        elif r < 0.05:
            text = rng.choice(_INSULT)
        elif r < 0.15:
            text = rng.choice(_DELIVERY)
        elif r < (0.30 if hour % 5 == 0 else 0.16):
            text = rng.choice(_BROKEN)
        elif r < 0.20:
            text = rng.choice(_LINK)
        else:
            text = rng.choice(_PLAIN)
        out.append({
            "id": f"c{i}",
            "text": text,
            "author": {"id": f"u{a}", "name": names[a % len(names)]},
            "timestamp": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
        })
    return out


def write_jsonl(comments, path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for c in comments:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")


def time_order(comments):
    """The comments sorted by time, ties in file order (what one `vigie run` is compared on)."""
    return sorted(comments, key=lambda c: c["timestamp"])
