"""Vietnamese words of two to four syllables (rules/words.txt), for telling where a word ends.

Names of bodies capitalise only the first syllable of a field word after their head ("Hội
Khuyến học", "Quỹ Xã hội", "Công ty TNHH Giày da ..."), so capitals alone cut them after
that syllable. A lower-case syllable that forms one word with the capitalised syllable before
it belongs to the name; the word list says which do.

The list is the multi-syllable part of underthesea's Viet74K dictionary (Apache-2.0, see
rules/README.md), in NFC with the old tone placement the normalised text uses. It is shipped
in the package and read from there: nothing is downloaded. `build()` remakes it from an
installed underthesea (`make words`).
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

import regex

from .text.normalize import fold_tone_style

#: syllables of a word in the list: letters only, two to four of them
MAX_SYLLABLES = 4
_ENTRY = regex.compile(r"\p{Ll}+(?: \p{Ll}+){1,%d}" % (MAX_SYLLABLES - 1))


def parse(lines) -> frozenset[str]:
    """The words in `lines`: lower-case entries of two to four syllables, in the text's form."""
    words = set()
    for line in lines:
        word = fold_tone_style(unicodedata.normalize("NFC", line.strip()))
        if _ENTRY.fullmatch(word):
            words.add(word)
    return frozenset(words)


def read(text: str) -> frozenset[str]:
    """The words of a words.txt already in its canonical form (`build` writes it so, a test
    checks it): one per line, "#" lines are comments. Split, not re-parsed: it is read by every
    worker process at start-up."""
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def build(out: Path) -> int:
    """Write rules/words.txt from the installed underthesea's Viet74K; returns the word count."""
    from importlib import resources

    source = resources.files("underthesea") / "corpus" / "data" / "Viet74K.txt"
    words = sorted(parse(source.read_text(encoding="utf-8").splitlines()))
    header = ("# Vietnamese words of 2-4 syllables: the lower-case multi-syllable entries of\n"
              "# underthesea's Viet74K (Apache-2.0), NFC, old tone placement. Made by `make words`.\n")
    out.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    return len(words)


if __name__ == "__main__":  # python -m extractor.wordlist rules/words.txt
    import sys

    print(build(Path(sys.argv[1] if len(sys.argv) > 1 else "rules/words.txt")), "words")
