"""BM25 over character n-grams: which knowledge-base entry a free-text question is about.

Each entry is one document made of weighted fields (its titles and indexing phrases count more
than its answers) in both languages, so a question in either language finds it. The index is
an inverted list built once; a question costs one pass over its terms.

Confidence is the top score divided by the most the question could score (every term matched,
saturated): a question whose words the knowledge base has never seen scores low, however the
ranking falls out.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from conversations.faq.normalise import SYNONYM_PREFIX, terms

# When one topic is clearly ahead the bot answers it; else it offers the closest topics. Tuned on the
# tuning set (tests/data/faq_questions.yaml), measured on tests/data/faq_held_apart.yaml:
CONFIDENT = 0.19  # enough of the question matched…
AHEAD = 1.05  # …and the first topic scores this much more than the second,
FAR_AHEAD = (0.14, 2.0)  # or less matched but twice the second's score,
SURE_ALONE = 0.6  # or so much matched that the second does not matter
K1 = 2.0
B = 0.75
SYNONYM_WEIGHT = 3.0  # a canonical synonym (syn_groupbuy, syn_sample…) names a topic: it counts more


@dataclass(frozen=True, slots=True)
class Match:
    """The entries ranked for one question, best first, with the confidence of the first."""

    ranked: tuple[tuple[str, float], ...]
    confidence: float

    @property
    def best(self) -> str | None:
        return self.ranked[0][0] if self.ranked else None

    @property
    def lead(self) -> float:
        """How many times the second topic's score the first one's is (inf when alone)."""
        if len(self.ranked) < 2 or self.ranked[1][1] <= 0:
            return float("inf") if self.ranked else 0.0
        return self.ranked[0][1] / self.ranked[1][1]

    @property
    def confident(self) -> bool:
        """One topic is clearly ahead: answer it directly."""
        if self.confidence >= SURE_ALONE:
            return True
        least, far = FAR_AHEAD
        return (self.confidence >= CONFIDENT and self.lead >= AHEAD) or (
            self.confidence >= least and self.lead >= far
        )

    def closest(self, count: int) -> list[str]:
        return [entry for entry, score in self.ranked[:count] if score > 0]


class Index:
    """Entries (id -> weighted texts) indexed for BM25 scoring."""

    def __init__(self, documents: Mapping[str, Iterable[tuple[str, float]]]) -> None:
        self.ids = list(documents)
        frequencies: list[Counter[str]] = []
        for entry in self.ids:
            weighted: Counter[str] = Counter()
            for text, weight in documents[entry]:
                for term in terms(text):
                    weighted[term] += weight
            frequencies.append(weighted)
        lengths = [sum(freq.values()) for freq in frequencies]
        average = sum(lengths) / max(len(lengths), 1) or 1.0
        count = len(self.ids)
        document_frequency: Counter[str] = Counter()
        for freq in frequencies:
            document_frequency.update(freq.keys())
        self.idf = {
            term: math.log(1 + (count - df + 0.5) / (df + 0.5)) for term, df in document_frequency.items()
        }
        # a term no entry holds weighs as much as the rarest possible term
        self.unknown_idf = math.log(1 + (count + 0.5) / 0.5)
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for number, (freq, length) in enumerate(zip(frequencies, lengths, strict=True)):
            norm = K1 * (1 - B + B * length / average)
            for term, tf in freq.items():
                self.postings[term].append((number, self.idf[term] * tf * (K1 + 1) / (tf + norm)))
        self.postings = dict(self.postings)

    def __len__(self) -> int:
        return len(self.ids)

    def match(self, question: str, *, limit: int = 3) -> Match:
        query = Counter(terms(question))
        if not query:
            return Match((), 0.0)
        scores: dict[int, float] = defaultdict(float)
        ceiling = 0.0
        for term, count in query.items():
            weight = (1.0 + math.log(count)) * (SYNONYM_WEIGHT if term.startswith(SYNONYM_PREFIX) else 1.0)
            ceiling += weight * self.idf.get(term, self.unknown_idf) * (K1 + 1)
            for number, partial in self.postings.get(term, ()):
                scores[number] += weight * partial
        ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:limit]
        result = tuple((self.ids[number], score) for number, score in ranked)
        # one plain term ("はい", a number) is too little to be sure of anything
        substantial = len(query) >= 2 or any(term.startswith(SYNONYM_PREFIX) for term in query)
        confidence = result[0][1] / ceiling if result and substantial else 0.0
        return Match(result, confidence)
