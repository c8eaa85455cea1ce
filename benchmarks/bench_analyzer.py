"""The Spanish analyzer: how it groups Snowball's vocabulary, what it costs, what it holds.

    python benchmarks/bench_analyzer.py [--pages 3000] [--rounds 5] [--before OLD/analysis.py]

Three analyzers, side by side:

- Acervo: `spanish_analyzer()` (accents folded, then the likely accented spelling restored from
  `search/data/likely_accents_es.tsv.gz` before Snowball stems it);
- Acervo before: the chain as it was before that table (plural cut, accents folded, only
  `-cion/-sion/-logia` given their accent back, Snowball), rebuilt here from today's filters, or
  with `--before`, the `spanish_analyzer` of another copy of search/analysis.py (e.g. a checkout
  of the commit before the table: /work/base12/search/analysis.py);
- plain Whoosh: `LanguageAnalyzer("es")` (Snowball on the word as written, no folding).

(a) The Snowball vocabulary figures of tests/search/snowballvocab.py (conflations kept by pairs
and by words, accented words equal to their unaccented spelling, precision). (b) Speed, the
before chain as baseline in the same process, rounds interleaved: analysing the page texts of
`../shared/realdocs/es` (PDFs read with pypdfium2) with a fresh analyzer each round (no word
cache), and building a Whoosh index of those pages (one TEXT field) with each; CPU seconds of
this process (`time.process_time`), which other processes on a shared machine disturb less than
wall-clock time. (c) The table's load time and memory (tracemalloc). Writes
benchmarks/results/analyzer.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import (
    Analyzer,
    Filter,
    LanguageAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Token,
)
from whoosh.fields import TEXT, Schema

from acervo.search import analysis

ROOT = Path(__file__).resolve().parents[1]
REALDOCS_ES = (ROOT.parent / "shared" / "realdocs" / "es").resolve()
RESULTS = ROOT / "benchmarks" / "results" / "analyzer.json"
sys.path.insert(0, str(ROOT / "tests" / "search"))
from snowballvocab import figures, term_of, vocabulary  # noqa: E402


class _EndingAccentFilter(Filter):
    """The accent restoration before the table: `-cion/-sion/-logia(s)` endings only."""

    is_morph = True

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = analysis.accent_by_ending(token.text)
            yield token


def before_analyzer() -> Analyzer:
    return analysis.CachedChainAnalyzer(
        RegexTokenizer(analysis.TOKEN_PATTERN),
        analysis.NumberFilter(),
        LowercaseFilter(),
        analysis.SingularFilter(),
        analysis.AccentFoldFilter(),
        analysis.EnyeFilter(),
        StopFilter(stoplist=analysis.SPANISH_STOP_WORDS, minsize=1),
        _EndingAccentFilter(),
        StemFilter(analysis.stem_spanish, cachesize=None),
        analysis.StemMergeFilter(),
        analysis.AccentFoldFilter(),
    )


ANALYZERS: dict[str, Callable[[], Analyzer]] = {
    "acervo": analysis.spanish_analyzer,
    "acervo before": before_analyzer,
    "plain whoosh": lambda: LanguageAnalyzer("es"),
}


def load_before(path: Path) -> None:
    """Use `spanish_analyzer` of the analysis module at `path` as "acervo before"."""
    spec = importlib.util.spec_from_file_location("before_analysis", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # Whoosh pickles the schema: its functions need a module
    spec.loader.exec_module(module)
    ANALYZERS["acervo before"] = module.spanish_analyzer


def vocabulary_figures() -> dict[str, dict[str, float]]:
    stems = vocabulary()
    out = {}
    for name, factory in ANALYZERS.items():
        found = figures(term_of(factory()), stems)
        out[name] = {
            "pairs_kept": found.pairs_kept,
            "words_kept": found.words_kept,
            "accents_kept": found.accents_kept,
            "precision": found.precision,
        }
    return out


def page_texts(limit: int) -> list[str]:
    import pypdfium2 as pdfium

    texts: list[str] = []
    for path in sorted(REALDOCS_ES.glob("*.pdf")):
        pdf = pdfium.PdfDocument(path)
        for i in range(len(pdf)):
            texts.append(pdf[i].get_textpage().get_text_range())
            if len(texts) >= limit:
                return texts
    return texts


def _clear_stem_caches() -> None:
    """Each round starts cold: Snowball's results are cached per word for the whole process."""
    for module in (analysis, sys.modules.get("before_analysis")):
        if module is not None:
            module.stem_spanish.cache_clear()


def _analyse_all(factory: Callable[[], Analyzer], texts: list[str]) -> float:
    _clear_stem_caches()
    analyzer = factory()
    start = time.process_time()
    for text in texts:
        for _token in analyzer(text):
            pass
    return time.process_time() - start


def _build_index(factory: Callable[[], Analyzer], texts: list[str]) -> float:
    _clear_stem_caches()
    with tempfile.TemporaryDirectory() as folder:
        start = time.process_time()
        ix = whoosh_index.create_in(folder, Schema(body=TEXT(analyzer=factory())))
        with ix.writer() as writer:
            for text in texts:
                writer.add_document(body=text)
        return time.process_time() - start


def speed(texts: list[str], rounds: int) -> dict[str, dict[str, float]]:
    names = ("acervo before", "acervo")  # the baseline first in every round
    samples: dict[str, dict[str, list[float]]] = {
        name: {"analyse_s": [], "build_s": []} for name in names
    }
    for _ in range(rounds):
        for name in names:
            samples[name]["analyse_s"].append(_analyse_all(ANALYZERS[name], texts))
            samples[name]["build_s"].append(_build_index(ANALYZERS[name], texts))
    return {
        name: {part: statistics.median(values) for part, values in parts.items()}
        for name, parts in samples.items()
    }


def table_cost() -> dict[str, float]:
    analysis.likely_accents.cache_clear()
    tracemalloc.start()
    start = time.perf_counter()
    table = analysis.likely_accents()
    load_ms = (time.perf_counter() - start) * 1000
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "entries": len(table),
        "load_ms": load_ms,
        "mib": held / 2**20,
        "peak_mib": peak / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--before", type=Path, help="another search/analysis.py as the baseline")
    args = parser.parse_args()
    if args.before:
        load_before(args.before)

    cost = table_cost()
    vocab = vocabulary_figures()
    print("| analyzer | pairs kept | words kept | accented = unaccented | precision |")
    print("|---|---|---|---|---|")
    for name, f in vocab.items():
        print(
            f"| {name} | {f['pairs_kept']:.4f} | {f['words_kept']:.4f} "
            f"| {f['accents_kept']:.4f} | {f['precision']:.4f} |"
        )
    texts = page_texts(args.pages)
    words = sum(len(t.split()) for t in texts)
    timing = speed(texts, args.rounds)
    base = timing["acervo before"]
    print(f"\n{len(texts)} pages, {words:,} words of realdocs/es; median of {args.rounds} rounds")
    print("| analyzer | analyse CPU s | ratio | Whoosh build CPU s | ratio |")
    print("|---|---|---|---|---|")
    for name, t in timing.items():
        print(
            f"| {name} | {t['analyse_s']:.2f} | {t['analyse_s'] / base['analyse_s']:.2f} "
            f"| {t['build_s']:.2f} | {t['build_s'] / base['build_s']:.2f} |"
        )
    print(
        f"\ntable: {cost['entries']:,} entries, loaded in {cost['load_ms']:.0f} ms, "
        f"{cost['mib']:.1f} MiB held (peak {cost['peak_mib']:.1f} MiB while reading)"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"vocabulary": vocab, "speed": timing, "pages": len(texts), "table": cost}),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
