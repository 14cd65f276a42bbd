"""The offline writer: templates, the brand profile and the brief; no model, no cloud.

Deterministic: every choice among a template's variants is a hash of what is being written
(the idea's title, the network, the month), never of the time or of Python's randomised
`hash`, so the same brief gives the same plan in `make dev`, in the tests and in a bench.
Variety comes from those hashes: neighbouring items and networks pick different openers,
bodies and calls to action.

Each network gets its own shape and hashtag habit (`HABITS`): X, Bluesky and Threads short
and conversational with one or two tags, LinkedIn a few short paragraphs ending in a
question, Instagram a hook, a body and a call to save or share with a block of tags, and
Mastodon plain text with CamelCase tags (screen readers read them word by word).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from chalicelib.ai.writer import (
    BrandProfile,
    Brief,
    Caption,
    ItemIdea,
    RewriteGoal,
    SiteFacts,
    Written,
)

NAME = "offline"


@dataclass(frozen=True)
class Habit:
    """How people post on one network: how many hashtags, in which case, and how long."""

    hashtags: int
    # "camel" (ShopLocal) or "lower" (shoplocal).
    case: str
    # Rough length the network's readers expect (characters), before hashtags.
    length: int
    first_comment: bool


HABITS: dict[str, Habit] = {
    "x": Habit(hashtags=2, case="camel", length=200, first_comment=True),
    "bluesky": Habit(hashtags=2, case="camel", length=220, first_comment=True),
    "threads": Habit(hashtags=1, case="camel", length=300, first_comment=True),
    "mastodon": Habit(hashtags=3, case="camel", length=380, first_comment=True),
    "facebook": Habit(hashtags=2, case="camel", length=450, first_comment=True),
    "linkedin": Habit(hashtags=4, case="camel", length=900, first_comment=True),
    "instagram": Habit(hashtags=12, case="lower", length=600, first_comment=True),
    "tiktok": Habit(hashtags=5, case="lower", length=150, first_comment=False),
    "youtube": Habit(hashtags=3, case="camel", length=600, first_comment=False),
    "pinterest": Habit(hashtags=4, case="lower", length=400, first_comment=False),
}
DEFAULT_HABIT = Habit(hashtags=2, case="camel", length=300, first_comment=False)

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

STOPWORDS = frozenset(
    """
a about above after again all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further get got had has have having he her here hers him his how i if in into is it
    its itself just let me more most my no nor not now of off on once only or other our ours
    out over own same she should so some such than that the their theirs them then there
    these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself us new one every
    make makes made like really thing things way ways well even much many still back
    here's what's it's we're you're don't can't let's that's there's i'm we've you'll
    today week month year time first last next best good great little big quick
say says said told tell ask asked start starts goes go come comes early want need love
know try see look keep help share
""".split()  # noqa: SIM905
)

# Words that make a poor half of a two-word topic ("sourdough takes", "takes hours").
VERBS = frozenset(
    """take takes took make makes get gets give gives go goes come comes need needs want
    wants find finds keep keeps feel feels look looks think thinks use uses work works try
    tries show shows bring brings shape shapes hours minutes days weeks gone done""".split()  # noqa: SIM905
)
HYPE = ("amazing", "incredible", "unbelievable", "insane", "epic", "awesome")
FILLERS = (
    "really",
    "very",
    "just",
    "actually",
    "basically",
    "literally",
    "honestly",
    "truly",
    "simply",
)


# ------------------------------------------------------------------------------- choice


def _digest(*parts: object) -> int:
    joined = "\x1f".join(str(part) for part in parts)
    return int.from_bytes(hashlib.sha256(joined.encode("utf-8")).digest()[:8], "big")


def _pick(options: Sequence[str], *key: object, avoid: Sequence[str] = ()) -> str:
    """One of `options`, chosen by `key`; skipping those that use a word to avoid."""
    allowed = [o for o in options if not _uses_any(o, avoid)] or list(options)
    return allowed[_digest(*key) % len(allowed)]


def _uses_any(text: str, words: Sequence[str]) -> bool:
    lowered = text.lower()
    return any(
        re.search(rf"(?<!\w){re.escape(w.lower())}(?!\w)", lowered) for w in words if w.strip()
    )


def _without_avoided(text: str, words: Sequence[str]) -> str:
    """Last resort for a word to avoid that came from the brief or the site itself."""
    for word in words:
        if word.strip():
            text = re.sub(rf"(?i)(?<!\w){re.escape(word.strip())}(?!\w)\s?", "", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


# ----------------------------------------------------------------------------- wording


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return (match.group(1) if match else text).strip()


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    return _upper_first(text if text[-1] in ".!?" else f"{text}.")


def _clause(text: str) -> str:
    """A sentence's words to be continued: no final stop, first letter lowered."""
    return _lower_first(text.strip().rstrip(".!?").strip())


def _business(profile: BrandProfile) -> str:
    return profile.business_name.strip() or "our team"


def _about(profile: BrandProfile) -> str:
    """What the business does, as one sentence ("We bake sourdough in Leeds.")."""
    return _sentence(_first_sentence(profile.what_we_do)) if profile.what_we_do.strip() else ""


def _audience(profile: BrandProfile) -> str:
    audience = _clause(_first_sentence(profile.audience))
    return audience or "our customers"


def _month_name(brief: Brief) -> str:
    return MONTHS[int(brief.month[5:7]) - 1]


def _keywords(text: str, most: int) -> list[str]:
    """What a text is about: its frequent longer words and two-word phrases said without a
    filler word between them ("stone oven"), by frequency, then in order of first use."""
    clean = re.sub(r"https?://\S+|[#@]\w+", " ", text)
    found: list[str] = []
    for sentence in re.split(r"[.!?\n,;:()]+", clean):
        words = re.findall(r"[^\W\d_][\w'\u2019-]*", sentence)
        useful = [
            w.lower() not in STOPWORDS and w.lower() not in VERBS and len(w) > 2 for w in words
        ]
        for index, word in enumerate(words):
            before = words[index - 1] if index else ""
            if index and useful[index] and useful[index - 1] and min(len(before), len(word)) >= 4:
                found.append(f"{before} {word}".lower())
            if useful[index] and len(word) > 4:
                found.append(word.lower())
    counts = Counter(found)
    first = {phrase: index for index, phrase in reversed(list(enumerate(found)))}
    ranked = sorted(counts, key=lambda p: (-counts[p], first[p]))
    # A phrase and its own words are one topic, in the place of the first to rank; the
    # phrase says more ("stone oven" for "stone"), unless a word of it ranked higher.
    kept: list[str] = []
    for phrase in ranked:
        parts = set(phrase.split())
        overlapping = [k for k in kept if parts & set(k.split())]
        if not overlapping:
            kept.append(phrase)
        elif (
            len(parts) == 2
            and len(overlapping) == 1
            and " " not in overlapping[0]
            and counts[overlapping[0]] == counts[phrase]
        ):
            kept[kept.index(overlapping[0])] = phrase
    return kept[:most]


def _tag(phrase: str, case: str) -> str:
    words = re.findall(r"[^\W_]+", phrase.replace("'", "").replace("\u2019", ""))
    if not words:
        return ""
    if case == "lower":
        return "".join(w.lower() for w in words)
    return "".join(w[:1].upper() + w[1:] for w in words)


FOCUS_TAGS = {
    "new_clients": ("SmallBusiness", "ShopLocal"),
    "education": ("Tips", "HowTo"),
    "community": ("Community", "SupportLocal"),
    "launch": ("NewLaunch", "ComingSoon"),
    "seasonal": ("Seasonal",),
    "other": ("SmallBusiness",),
}
NETWORK_TAGS = {
    "instagram": ("instagood", "smallbusiness", "behindthescenes", "supportsmallbusiness"),
    "tiktok": ("fyp", "smallbusiness", "learnontiktok"),
    "pinterest": ("ideas", "inspiration"),
    "linkedin": ("SmallBusiness", "Leadership"),
}


def _hashtags(phrases: Sequence[str], network: str, avoid: Sequence[str] = ()) -> list[str]:
    habit = HABITS.get(network, DEFAULT_HABIT)
    seen: set[str] = set()
    tags: list[str] = []
    for phrase in [*phrases, *NETWORK_TAGS.get(network, ())]:
        tag = _tag(phrase, habit.case)
        # A tag of a whole sentence is noise; one of two letters says nothing.
        if not (3 <= len(tag) <= 30) or tag.lower() in seen or tag.isdigit():
            continue
        if _uses_any(phrase, avoid):
            continue
        seen.add(tag.lower())
        tags.append(tag)
        if len(tags) >= habit.hashtags:
            break
    return tags


# ------------------------------------------------------------------------------ outline

# (kind of image, title, angle, headline) per pillar; {P} the pillar (any noun phrase: the
# titles put it before a colon so "baking tips" and "our customers" both read well).
PILLAR_IDEAS: tuple[tuple[str, str, str, str], ...] = (
    ("tip", "{P}: three tips we swear by", "three practical tips", "3 tips we swear by"),
    ("tip", "{P}: the mistake we see most", "a common mistake and its fix", "Avoid this mistake"),
    ("quote", "{P}: why it matters to us", "why we care", "Why it matters"),
    ("announcement", "Behind the scenes: {p}", "a look behind the scenes", "Behind the scenes"),
    ("tip", "{P}: where to start", "a beginner's first step", "Start here"),
    ("quote", "{P}: the question we hear most", "answering a common question", "You asked"),
    ("tip", "Myth or fact? {P} edition", "a myth and the truth", "Myth vs fact"),
    ("quote", "{P}: a story from one of you", "a customer's experience", "Your stories"),
    ("announcement", "{P}: meet the people behind it", "the team behind it", "Meet the team"),
    ("tip", "{P}: one small habit that helps", "one easy habit", "One small habit"),
)
FOCUS_IDEAS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "new_clients": (
        ("announcement", "Your first visit to {b}", "what to expect the first time", "First time?"),
        ("quote", "Why people choose {b}", "what sets us apart", "Why choose us"),
        ("tip", "New here? Start with this", "a beginner's first step", "New here?"),
        ("quote", "What our regulars say", "a customer's experience", "In their words"),
    ),
    "education": (
        ("tip", "What we wish everyone knew", "a lesson learnt", "Good to know"),
        ("tip", "The basics, done well", "a beginner's first step", "Back to basics"),
        ("tip", "Your questions, answered", "answering a common question", "You asked"),
    ),
    "community": (
        ("quote", "Thank you, {month} regulars", "thanking the community", "Thank you"),
        ("announcement", "Local favourites we love", "celebrating neighbours", "Local love"),
        ("quote", "Your stories, our favourite part", "a customer's experience", "Your stories"),
    ),
    "launch": (
        ("announcement", "Something new is coming", "a teaser of the launch", "Coming soon"),
        ("announcement", "It's here", "the launch itself", "It's here"),
        ("tip", "How to get the most from what's new", "three practical tips", "Get started"),
    ),
    "seasonal": (
        ("quote", "{month} at {b}", "what this season brings", "Hello {month}"),
        ("tip", "Make the most of {month}", "seasonal ideas", "{month} ideas"),
        ("announcement", "What's new this {month}", "what this season brings", "New this month"),
    ),
    "other": (),
}
PROMO_IDEAS: tuple[tuple[str, str, str], ...] = (
    ("Now on: {offer_short}", "announcing the offer", "{offer_short}"),
    ("Don't miss it: {offer_short}", "a reminder of the offer", "Don't miss out"),
    ("Last chance: {offer_short}", "the offer is ending", "Last chance"),
)


def _headline(text: str) -> str:
    words = text.split()
    while len(" ".join(words)) > 40 and len(words) > 1:
        words = words[:-1]
    return " ".join(words).rstrip(":,;-\u2013") or text[:40]


def _repeats_pillar(title_template: str, pillar: str) -> bool:
    """ "Behind the scenes: behind the scenes" says nothing twice."""
    fixed = title_template.replace("{P}", "").replace("{p}", "").lower()
    return pillar.lower() in fixed


def outline_ideas(brief: Brief, profile: BrandProfile, count: int) -> list[ItemIdea]:
    """`count` ideas: pillars in turn, the brief's focus woven in, promos spread evenly."""
    if count <= 0:
        return []
    pillars = [p.strip() for p in brief.pillars if p.strip()] or _default_pillars(brief, profile)
    month = _month_name(brief)
    business = _business(profile)
    offer = _first_sentence(brief.promotion_details).rstrip(".!") or "our special offer"
    offer_short = _headline(offer)
    promos = max(1, count // 4) if brief.promotion else 0
    # Promos at even steps through the month, the first a little in.
    promo_at = {
        min(count - 1, (i * count) // promos + count // (2 * promos)) for i in range(promos)
    }
    focus_ideas = FOCUS_IDEAS.get(brief.focus, ())
    used: set[str] = set()
    used_kinds: set[str] = set()
    ideas: list[ItemIdea] = []
    promo_index = 0
    for index in range(count):
        pillar = pillars[index % len(pillars)]
        fmt = {"p": pillar, "P": _upper_first(pillar), "b": business, "month": month}
        if index in promo_at:
            title_t, angle, headline_t = PROMO_IDEAS[promo_index % len(PROMO_IDEAS)]
            promo_index += 1
            fmt |= {"offer_short": offer_short}
            ideas.append(
                ItemIdea(
                    kind="promo",
                    pillar=pillar,
                    title=_upper_first(title_t.format(**fmt)),
                    angle=angle,
                    image_template="promo",
                    headline=_headline(_upper_first(headline_t.format(**fmt))),
                )
            )
            continue
        # Every third post serves the brief's focus (while its ideas last); the rest rotate
        # through the pillars, never the same title twice in a month.
        pools = [focus_ideas, PILLAR_IDEAS] if index % 3 == 1 else [PILLAR_IDEAS]
        chosen = None
        # Each kind of post once before any comes back, never the same title twice.
        for fresh_only in (True, False):
            for pool in pools:
                start = _digest(brief.month, pillar, index) % max(1, len(pool))
                for step in range(len(pool)):
                    candidate = pool[(start + step) % len(pool)]
                    title = _upper_first(candidate[1].format(**fmt))
                    if fresh_only and candidate[1] in used_kinds:
                        continue
                    if title not in used and not _repeats_pillar(candidate[1], pillar):
                        chosen = (candidate, title)
                        break
                if chosen:
                    break
            if chosen:
                break
        if chosen is None:
            candidate = PILLAR_IDEAS[index % len(PILLAR_IDEAS)]
            chosen = (candidate, f"{_upper_first(candidate[1].format(**fmt))}, part {index + 1}")
        used_kinds.add(chosen[0][1])
        (template, _, angle, headline_t), title = chosen
        used.add(title)
        ideas.append(
            ItemIdea(
                kind="post",
                pillar=pillar,
                title=title,
                angle=angle,
                image_template=template,  # type: ignore[arg-type]
                headline=_headline(_upper_first(headline_t.format(**fmt))),
            )
        )
    return ideas


def _default_pillars(brief: Brief, profile: BrandProfile) -> list[str]:
    found = [w for w in profile.words_to_use if len(w.split()) <= 3][:2]
    return found + ["tips", "behind the scenes", "our customers"][: 3 - len(found)]


# ------------------------------------------------------------------------------ caption

OPENERS: dict[str, tuple[str, ...]] = {
    "neutral": ("{title}.", "{title}:", "{title}. Here's the short version."),
    "educational": (
        "{title}. Here's what we've learnt.",
        "Quick lesson: {title_l}.",
        "{title} (a short guide).",
    ),
    "promotional": ("{title}!", "{title}: you'll want to see this.", "Heads up: {title_l}."),
    "playful": ("{title} ✨", "{title} 👀", "{title} 🙌"),
}
BODIES: dict[str, tuple[str, ...]] = {
    "three practical tips": (
        "Keep it simple, do a little often, and ask when you're unsure. That's most of it.",
        "Start small, stay consistent, and don't be afraid to ask us.",
    ),
    "a common mistake and its fix": (
        "Most people rush it. Slow down, take one step at a time, and the results follow.",
        "The usual slip: skipping the basics. The fix is easier than you think.",
    ),
    "why we care": (
        "For us, this isn't a side note. It's why we do what we do at {b}.",
        "It shapes everything we do at {b}, and it's why our regulars keep coming back.",
    ),
    "a look behind the scenes": (
        "Here's what goes on before you ever see the finished thing.",
        "A peek at the work that goes on before the doors open.",
    ),
    "a beginner's first step": (
        "New to this? Pick one thing, try it this week, and build from there.",
        "No need to learn everything at once. One small first step is enough.",
    ),
    "answering a common question": (
        "We get asked this all the time, so here's our honest answer.",
        "Short answer: it depends. The longer answer is below, and we're happy to help.",
    ),
    "a myth and the truth": (
        "There's a lot of half-truth out there. Here's what actually holds up.",
        "You've probably heard it. Here's the part that's true, and the part that isn't.",
    ),
    "a customer's experience": (
        "One of our customers told us what a difference it made. We had to share it.",
        "Stories like this are why we love what we do.",
    ),
    "the team behind it": (
        "Say hello to the people who make it all happen at {b}.",
        "Every day, a small team puts real care into everything you see here.",
    ),
    "one easy habit": (
        "A few minutes a day goes further than you'd expect.",
        "Tiny habits add up. This is the one we'd start with.",
    ),
    "what to expect the first time": (
        "Never been to {b}? Here's what your first visit looks like, start to finish.",
        "Coming in for the first time? We'll keep it easy and friendly.",
    ),
    "what sets us apart": (
        "People tell us it's the care, the detail and the welcome. We'll take that.",
        "It comes down to care, detail and a proper welcome.",
    ),
    "a lesson learnt": (
        "It took us a while to learn this. We'd love to save you the time.",
        "The one thing we'd tell anyone starting out.",
    ),
    "thanking the community": (
        "Thank you for every visit, every kind word and every recommendation.",
        "None of this works without you. Thank you.",
    ),
    "celebrating neighbours": (
        "Good things happen when local businesses look out for each other.",
        "A shout-out to the neighbours who make this place what it is.",
    ),
    "a teaser of the launch": (
        "We've been working on something new and can't wait to show you. {details}",
        "Something new is on its way. {details}",
    ),
    "the launch itself": ("It's finally here. {details}", "The wait is over. {details}"),
    "what this season brings": (
        "{month} is here, and with it some of our favourite things at {b}.",
        "New month, fresh ideas. Here's what {month} looks like at {b}.",
    ),
    "seasonal ideas": (
        "A few ways to make the most of {month}, from all of us at {b}.",
        "{month} ideas, tried and loved by our team.",
    ),
    "announcing the offer": (
        "It's our way of saying thank you.",
        "Treat yourself, or someone who deserves it.",
    ),
    "a reminder of the offer": (
        "A friendly reminder, in case it slipped past you.",
        "It's on for a little while longer.",
    ),
    "the offer is ending": (
        "It's nearly over, so don't leave it too late.",
        "Only a few days left.",
    ),
}
WHO_FIRST_PERSON = ("{about}", "At {b}, {about_l}")
WHO_DESCRIBED = ("{b}: {about_l}", "A little about us: {about_l}")
CTAS: dict[str, tuple[str, ...]] = {
    "new_clients": (
        "Come and see us, we'd love to meet you.",
        "First time? Say hello, we'll look after you.",
        "Book your first visit today.",
    ),
    "education": (
        "Save this for later.",
        "Which tip will you try first?",
        "Questions? Ask away below.",
    ),
    "community": (
        "Tell us your favourite below.",
        "Tag someone who'd love this.",
        "What would you add?",
    ),
    "launch": (
        "Stay tuned, more soon.",
        "Turn on notifications so you don't miss it.",
        "Be among the first to try it.",
    ),
    "seasonal": (
        "What are you looking forward to this {month}?",
        "Drop by this {month}.",
        "Save this for the weekend.",
    ),
    "other": ("Let us know what you think.", "Questions? We're here.", "Say hello any time."),
    "promo": (
        "Book now while it lasts.",
        "Come in or get in touch to claim it.",
        "Tell a friend who'd love it.",
    ),
}
LESSONS = (
    "The takeaway for {audience}: small, steady steps beat big, rare ones.",
    "What we've learnt serving {audience}: the basics, done well, matter most.",
    "For {audience}, the best results come from doing a little, often.",
    "If there's one lesson here, it's that details add up.",
    "Nothing fancy: just what works, day after day.",
)
PROMO_LESSONS = (
    "{b} is here to help.",
    "Questions about it? Our team is happy to help.",
    "It's our thank-you to {audience}.",
)
QUESTIONS = (
    "What's your take?",
    "How do you do it?",
    "What would you add?",
    "Have you tried this?",
)
NETWORK_CTAS: dict[str, tuple[str, ...]] = {
    "instagram": (
        "Save this post for later 📌",
        "Share it with someone who needs it.",
        "Link in bio.",
    ),
    "tiktok": ("Follow for more.", "Save this one."),
    "youtube": ("Subscribe for more like this.", "Questions? Leave them in the comments."),
    "pinterest": ("Save this idea for later.", "Pin it for later."),
}


def _fill(template: str, values: dict[str, str]) -> str:
    text = template.format(**values)
    return re.sub(r"\s+([.,!?:])", r"\1", re.sub(r"[ \t]{2,}", " ", text)).strip()


def caption_for(
    idea: ItemIdea, brief: Brief, profile: BrandProfile, network: str, max_chars: int
) -> Caption:
    habit = HABITS.get(network, DEFAULT_HABIT)
    avoid = profile.words_to_avoid
    about = _about(profile)
    details = _sentence(brief.focus_details) if brief.focus_details.strip() else ""
    values = {
        "title": idea.title.rstrip(".!?:"),
        "title_l": _lower_first(idea.title.rstrip(".!?:")),
        "p": idea.pillar,
        "b": _business(profile),
        "about": about,
        "about_l": _lower_first(about),
        "month": _month_name(brief),
        "details": details,
        "audience": _audience(profile),
    }
    key = (brief.month, idea.title, network)
    tone = "promotional" if idea.kind == "promo" and brief.tone == "neutral" else brief.tone
    opener = _fill(_pick(OPENERS[tone], *key, "open", avoid=avoid), values)
    bodies = BODIES.get(idea.angle) or (idea.angle,)
    body = _fill(_pick(bodies, *key, "body", avoid=avoid), values) if idea.angle else ""
    if body and body[-1] not in ".!?":
        body = _sentence(body)
    first_person = re.match(r"(?i)(we|we're|our|at)\b", about) is not None
    who_pool = WHO_FIRST_PERSON if first_person else WHO_DESCRIBED
    who = _fill(_pick(who_pool, *key, "who", avoid=avoid), values) if about else ""
    cta_pool = CTAS["promo"] if idea.kind == "promo" else CTAS.get(brief.focus, CTAS["other"])
    cta = _fill(_pick(cta_pool, *key, "cta", avoid=avoid), values)
    question = _fill(_pick(QUESTIONS, *key, "ask", avoid=avoid), values)
    extra = NETWORK_CTAS.get(network)
    network_cta = _fill(_pick(extra, *key, "net", avoid=avoid), values) if extra else ""
    if network in ("x", "bluesky", "threads", "tiktok"):
        parts = [opener, body, cta] if network != "tiktok" else [opener, network_cta or cta]
        text = " ".join(p for p in parts if p)
    elif network == "mastodon":
        text = "\n\n".join(p for p in (opener, body, who, cta) if p)
    elif network == "linkedin":
        lesson = _fill(
            _pick(LESSONS if idea.kind == "post" else PROMO_LESSONS, *key, "lesson", avoid=avoid),
            values,
        )
        text = "\n\n".join(p for p in (opener, body, who, lesson, question) if p)
    elif network == "instagram":
        text = "\n\n".join(p for p in (opener, body, who, f"{cta} {network_cta}".strip()) if p)
    elif network == "youtube":
        text = "\n\n".join(p for p in (opener, body, who, network_cta) if p)
    elif network == "pinterest":
        text = " ".join(p for p in (opener, body, who, network_cta) if p)
    else:  # facebook and any network added later
        text = "\n\n".join(p for p in (f"{opener} {body}".strip(), who, question or cta) if p)
    text = _without_avoided(text, avoid) if _uses_any(text, avoid) else text
    # A network's usual length, but never past what the caller can post.
    room = min(max_chars, max(habit.length, 120))
    text = _shorten_to(text, room)
    phrases = [idea.pillar, *profile.words_to_use, _business(profile), *FOCUS_TAGS[brief.focus]]
    if idea.kind == "promo":
        phrases.insert(1, "special offer")
    tags = _hashtags(phrases, network, avoid)
    comment = (
        _comment_for("", network, tags[3:], idea.pillar.lower()) if habit.first_comment else None
    )
    # Instagram's habit: the caption stays clean and the tags go in the first comment.
    if network == "instagram":
        return Caption(text=text, hashtags=tags[:3], first_comment=comment)
    return Caption(text=text, hashtags=tags, first_comment=comment)


def _comment_for(text: str, network: str, tags: Sequence[str], fallback: str) -> str:
    """Instagram's first comment carries the tags; elsewhere it starts the conversation."""
    if network == "instagram":
        return " ".join(f"#{t}" for t in tags) or "Tell us what you think below 👇"
    topic = _keywords(text, 1)
    about = topic[0] if topic else fallback
    return _pick(
        (
            f"What's your experience with {about}? Tell us below.",
            f"Questions about {about}? Ask here and we'll answer.",
            f"More on {about} coming soon. What should we cover next?",
        ),
        text,
        network,
        "comment",
    )


# ------------------------------------------------------------------------------ rewrite

EMOJI = re.compile(
    "[\U0001f300-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d\U0001f1e6-\U0001f1ff]"
)
TONE_OPENERS = {
    "educational": ("Quick lesson:", "Good to know:", "Did you know?"),
    "playful": ("Okay, hear us out:", "Fun fact:", "Plot twist:"),
    "promotional": ("Don't miss this:", "Heads up:", "Now on:"),
}
TONE_CLOSERS = {
    "educational": ("Save this for later.", "Questions? Ask below."),
    "playful": ("Who's in? 🙌", "You know you want to. 😄", "Tell us we're not the only ones! 👇"),
    "promotional": ("Book now while it lasts.", "Get in touch today.", "Don't leave it too late."),
    "neutral": (),
}
ALL_TONE_PHRASES = tuple(
    phrase for group in (*TONE_OPENERS.values(), *TONE_CLOSERS.values()) for phrase in group
)


def _split_tags(text: str) -> tuple[str, list[str]]:
    """The text without its trailing block of hashtags, and those tags."""
    match = re.search(r"(\s*(?:#[^\s#]+\s*)+)$", text)
    if not match or match.start() == 0:
        return text.strip(), []
    return text[: match.start()].rstrip(), re.findall(r"#([^\s#]+)", match.group(1))


def _join_tags(text: str, tags: Sequence[str]) -> str:
    if not tags:
        return text
    return f"{text}\n\n{' '.join('#' + t for t in tags)}"


def _sentences(text: str) -> list[str]:
    pieces = re.split(r"(?<=[.!?])\s+|\n+", text)
    return [p.strip() for p in pieces if p.strip()]


def _shorten_to(text: str, most: int) -> str:
    """Whole sentences while they fit, else the first one cut at a word boundary."""
    if len(text) <= most:
        return text
    kept: list[str] = []
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    for paragraph in paragraphs:
        candidate = "\n\n".join([*kept, paragraph])
        if len(candidate) <= most:
            kept.append(paragraph)
            continue
        sentences = _sentences(paragraph)
        taken: list[str] = []
        for sentence in sentences:
            line = " ".join([*taken, sentence])
            if len("\n\n".join([*kept, line])) <= most:
                taken.append(sentence)
            else:
                break
        if taken:
            kept.append(" ".join(taken))
        break
    if kept:
        return "\n\n".join(kept)
    return cut_words(text, most)


def cut_words(text: str, most: int) -> str:
    """`text` cut at the last word boundary that leaves room for an ellipsis."""
    if len(text) <= most:
        return text
    cut = text[: max(0, most - 1)]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space > 0:
        cut = cut[:space]
    return cut.rstrip(" ,;:-\u2013\n") + "…"


def _drop_fillers(text: str) -> str:
    pattern = r"(?i)\b(" + "|".join(FILLERS) + r")\s+"
    return re.sub(pattern, "", text)


def rewrite_text(text: str, network: str, goal: RewriteGoal, tone: str | None, most: int) -> str:
    body, tags = _split_tags(text)
    habit = HABITS.get(network, DEFAULT_HABIT)
    if goal == "shorter":
        # Noticeably shorter: two thirds of the text, at most the network's usual length.
        target = min(most, habit.length, max(60, (len(body) * 2) // 3))
        short = _shorten_to(_drop_fillers(body).replace("\n\n", " "), target)
        kept_tags = tags[: min(len(tags), 2, habit.hashtags)]
        result = _join_tags(short, kept_tags)
        while len(result) > most and kept_tags:
            kept_tags = kept_tags[:-1]
            result = _join_tags(short, kept_tags)
        return result
    if goal == "longer":
        return _longer(body, tags, network, most)
    return _retone(body, tags, network, tone or "neutral", most)


def _longer(body: str, tags: list[str], network: str, most: int) -> str:
    topic = (_keywords(body, 1) or ["this"])[0]
    sentences = _sentences(body)
    key = (body, network, "longer")
    opener = _pick(
        (
            f"A few thoughts on {topic}.",
            f"Let's talk about {topic}.",
            f"Something we keep coming back to: {topic}.",
        ),
        *key,
    )
    why = _pick(
        (
            "Why it matters: small details are what people remember.",
            "Why it matters: doing the basics well is what builds trust.",
            "The lesson for us: consistency beats intensity.",
        ),
        *key,
        "why",
    )
    ask = _pick(
        (
            f"What's your experience with {topic}? I'd love to hear it in the comments.",
            f"How do you approach {topic}? Share below.",
            "Agree, or would you do it differently?",
        ),
        *key,
        "ask",
    )
    # One idea per paragraph, the way long posts read on LinkedIn and Facebook.
    paragraphs = [opener, *sentences, why, ask]
    if not tags:
        tags = _hashtags(_keywords(body, 5), network)
    result = _join_tags("\n\n".join(paragraphs), tags)
    if len(result) > most:
        result = _join_tags(_shorten_to("\n\n".join(paragraphs), most - 40), tags[:2])
    return result if len(result) <= most else cut_words(result, most)


def _retone(body: str, tags: list[str], network: str, tone: str, most: int) -> str:
    # A tone's own words come off first, so changing tone twice does not stack openers.
    plain = body
    for phrase in sorted(ALL_TONE_PHRASES, key=len, reverse=True):
        plain = plain.replace(phrase, "")
    plain = re.sub(r"[ \t]{2,}", " ", plain).strip()
    key = (plain, network, tone)
    if tone == "neutral":
        text = EMOJI.sub("", plain)
        text = re.sub(r"!+", ".", text)
        text = re.sub(r"(?i)\b(" + "|".join(HYPE) + r")\b\s*", "", text)
    elif tone == "educational":
        text = re.sub(r"!+", ".", EMOJI.sub("", plain))
        text = f"{_pick(TONE_OPENERS['educational'], *key)} {_lower_first(text)}"
        text = f"{text} {_pick(TONE_CLOSERS['educational'], *key, 'close')}"
    elif tone == "promotional":
        text = f"{_pick(TONE_OPENERS['promotional'], *key)} {_lower_first(plain)}"
        text = f"{text} {_pick(TONE_CLOSERS['promotional'], *key, 'close')}"
    else:  # playful
        first, *rest = _sentences(plain) or [plain]
        first = re.sub(r"[.]$", "!", first)
        text = " ".join([f"{_pick(TONE_OPENERS['playful'], *key)} {_lower_first(first)}", *rest])
        text = f"{text} {_pick(TONE_CLOSERS['playful'], *key, 'close')}"
    text = re.sub(r"\s+([.,!?])", r"\1", re.sub(r"[ \t]{2,}", " ", text)).strip()
    text = re.sub(r"\.{2,}", ".", text)
    result = _join_tags(text, tags)
    return result if len(result) <= most else _join_tags(cut_words(text, most), [])


# ------------------------------------------------------------------------------ profile


def profile_from(site: SiteFacts) -> BrandProfile:
    title = site.title.strip()
    # "Crumb & Co | Sourdough bakery in Leeds": the name is the shortest side of a separator.
    parts = [p.strip() for p in re.split("\\s[|\u2013\u2014\u00b7-]\\s|:\\s", title) if p.strip()]
    name = min(parts, key=len) if parts else _host_name(site.url)
    rest = [p for p in parts if p != name]
    description = site.description.strip() or (rest[0] if rest else "")
    if not description and site.headings:
        description = site.headings[0]
    what = _sentence(description) if description else f"{name} and what we do."
    text = " ".join([title, site.description, *site.headings, *site.key_phrases])
    audience = _audience_guess(text)
    voice = _voice_guess(text)
    words = [p for p in site.key_phrases if 1 <= len(p.split()) <= 3][:6]
    if len(words) < 3:
        words += [w for w in _keywords(text, 6) if w not in (x.lower() for x in words)]
    return BrandProfile(
        business_name=name[:200],
        what_we_do=what[:2000],
        audience=audience,
        voice=voice,
        words_to_use=words[:8],
        words_to_avoid=["cheap", "guaranteed", "best in the world"],
        colours=site.colours[:5],
        logo_url=site.logo,
        website=site.url,
        written_by=NAME,
    )


def _host_name(url: str) -> str:
    host = re.sub(r"^[a-z]+://", "", url).split("/")[0].split(":")[0]
    label = host.removeprefix("www.").split(".")[0]
    return label.replace("-", " ").title() or url


AUDIENCES = (
    (
        ("class", "classes", "studio", "beginner", "members"),
        "people who want to learn, from beginners up",
    ),
    (("family", "families", "kids", "children"), "local families"),
    (("business", "teams", "companies", "b2b"), "small business owners and teams"),
    (("repair", "service", "bikes", "bike", "cycling"), "local riders and commuters"),
    (("bakery", "bread", "cake", "coffee", "café", "cafe"), "local food lovers and regulars"),
)
VOICES = (
    (("calm", "breathe", "mindful", "gentle"), "calm, warm and encouraging"),
    (("fast", "expert", "repair", "service"), "practical, friendly and straight to the point"),
    (("handmade", "fresh", "local", "baked"), "warm, local and a little bit proud"),
)


def _audience_guess(text: str) -> str:
    lowered = text.lower()
    for words, audience in AUDIENCES:
        if any(re.search(rf"\b{w}\b", lowered) for w in words):
            return audience
    return "local customers and people nearby"


def _voice_guess(text: str) -> str:
    lowered = text.lower()
    for words, voice in VOICES:
        if any(re.search(rf"\b{w}\b", lowered) for w in words):
            return voice
    return "friendly, clear and human"


# ------------------------------------------------------------------------------- writer


class OfflineWriter:
    """The default writer: no model, no network, no cost (token counts are zero)."""

    @property
    def name(self) -> str:
        return NAME

    def profile(self, site: SiteFacts) -> Written[BrandProfile]:
        return Written[BrandProfile](value=profile_from(site), writer=NAME)

    def outline(self, brief: Brief, profile: BrandProfile, count: int) -> Written[list[ItemIdea]]:
        return Written[list[ItemIdea]](value=outline_ideas(brief, profile, count), writer=NAME)

    def caption(
        self, idea: ItemIdea, brief: Brief, profile: BrandProfile, network: str, max_chars: int
    ) -> Written[Caption]:
        value = caption_for(idea, brief, profile, network, max_chars)
        return Written[Caption](value=value, writer=NAME)

    def rewrite(
        self, text: str, network: str, goal: RewriteGoal, tone: str | None, max_chars: int
    ) -> Written[str]:
        return Written[str](value=rewrite_text(text, network, goal, tone, max_chars), writer=NAME)

    def hashtags(self, text: str, network: str) -> Written[list[str]]:
        _, present = _split_tags(text)
        inline = {t.lower() for t in re.findall(r"#(\w+)", text)} | {t.lower() for t in present}
        found = [t for t in _hashtags(_keywords(text, 12), network) if t.lower() not in inline]
        return Written[list[str]](value=found, writer=NAME)

    def first_comment(self, text: str, network: str) -> Written[str]:
        body, _ = _split_tags(text)
        tags = _hashtags(_keywords(body, 12), network)
        return Written[str](value=_comment_for(body, network, tags, "this"), writer=NAME)
