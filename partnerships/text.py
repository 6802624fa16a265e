"""Forgiving text matching for names: case, accents, punctuation, '&' and 'St.' fold away."""

import re
import unicodedata

# Words that say what kind of body a name is rather than which one: a query may leave
# them out ("Bristol" for "Bristol, City of") or add them ("Camden Council").
FILLER_WORDS = frozenset(
    "the of and council borough district city county metropolitan royal lsp "
    "partnership local strategic".split()
)
_SYNONYMS = {"saint": "st", "&": "and"}
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def fold(text):
    """'St. Helens & Knowsley' -> 'st helens and knowsley'."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    text = text.lower().replace("&", " and ")
    words = _NOT_WORD.sub(" ", text).split()
    return " ".join(_SYNONYMS.get(word, word) for word in words)


def query_words(text, limit=8):
    """The words a name must contain; filler words only when nothing else was typed."""
    words = fold(text).split()[:limit]
    meaningful = [word for word in words if word not in FILLER_WORDS]
    return meaningful or words


def rank(query, name):
    """Lower is better: exact, then starts with, then every word starts a word, then contains."""
    folded_query, folded_name = " ".join(query_words(query)), fold(name)
    name_words = folded_name.split()
    if folded_name == folded_query or folded_name == fold(query):
        return 0
    if folded_name.startswith(folded_query):
        return 1
    if all(any(w.startswith(q) for w in name_words) for q in folded_query.split()):
        return 2
    return 3
