"""Reading an answer against what was asked, for every flow (docs/architecture.md):

- choices.py   an option by number, label or declared word, several for a multi-select;
- polarity.py  yes / no / "I don't know" as people write them;
- amounts.py   yuan and counts in words, with the currency asked back when ¥ may be yen;
- links.py     links to materials with their extraction codes;
- askback.py   two readings asked about, never one guessed;
- words.py     the words declared beside each option (conversations/synonyms.yaml).
"""
