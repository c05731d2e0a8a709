"""The fast search path: same analysed terms and same hits as Whoosh, sane ranking, and an
on-disk index that survives updates, restarts and damage."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from benchmarks.queries import query_sets
from benchmarks.synthetic import write_corpus
from reader.library.library import Library
from reader.search import analysis, fastsearch
from reader.search.analysis import make_term_function
from reader.search.fast import ranking, segment_builder
from reader.search.fastsearch import FastSearch
from reader.search.index import ANALYZER, Document
from reader.search.query import parse_query
from whoosh import query as wq

TERMS = make_term_function()
pytestmark = pytest.mark.xdist_group("fastsearch")  # one worker builds the synthetic corpus once

# Every shape the fast path evaluates: words, pairs, phrases (with stop words), prefixes,
# fields, boolean operators, accents and stems.
QUERIES = [
    "model",
    "model ",
    "language model",
    "language model ",
    '"large language models"',
    '"language models"',
    '"the model"',
    '"of the" model',
    '"model of the world"',
    '"in context learning"',
    "title:llm",
    "title:model abstract:vision",
    'abstract:"language model"',
    'title:"language model"',
    "model OR vision",
    "model NOT vision",
    "NOT model",
    "model ANDNOT vision",
    "model ANDMAYBE vision",
    "(reasoning OR planning) NOT vision",
    "melange",
    "Mélange",
    "quantized ",
    "quantization ",
    "quantized",
    "reinforcement learning",
    '"reinforcement learning"',
    "llm*",
    "state-of-the-art",
    "model^2 vision",
    "zzzzqqq",
    "x2",
]
TYPED_WORDS = ["transformer", "quantization", "diffusion", "reasoning", "language", "attention"]


def typing_steps(word: str) -> list[str]:
    return [word[:end] for end in range(2, len(word) + 1)]


ALL_QUERIES = QUERIES + [step for word in TYPED_WORDS for step in typing_steps(word)]


def library_for(root: Path, sources: list[Path]) -> Library:
    library = Library(sources, root / "index")
    library.sync()
    return library


@pytest.fixture(scope="module")
def seeds(tmp_path_factory, seeds_index):
    root = tmp_path_factory.mktemp("fast-seeds")
    library = Library([seeds_index.digests], seeds_index.copy_index(root / "index"))
    library.sync()
    fast = FastSearch(root / "fast")
    fast.rebuild(library.catalog.documents(library.view().order))
    yield library, fast
    library.close()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = tmp_path_factory.mktemp("fast-synthetic")
    write_corpus(root / "digests", 2000)
    library = library_for(root, [root / "digests"])
    fast = FastSearch(root / "fast")
    fast.rebuild(library.catalog.documents(library.view().order))
    yield library, fast
    library.close()


def documents_of(library: Library) -> list[Document]:
    return list(library.catalog.documents(library.view().order))


# -- analysis ---------------------------------------------------------------------------------

HOSTILE = [
    "",
    "   ",
    "a",
    "I a an the of",
    "Mélange à trois: ÉCOLE Ørsted façade naïve coöperate",
    "İstanbul ß ﬁnal Straße ΣΊΣΥΦΟΣ ǅemal",
    "e.g. i.e. U.S.A. 3.14 v1.2.3 a..b a. .b ... .x x. x.y. *.* a*b **",
    "snake_case __init__ _x x_ 2x 1e-9 −5 ½ ² ³ ٣ ४",
    "CamelCaseWords HTTPServer iPhone LLMs GPT-4o",
    "tabs\tand\nnew\r\nlines\x0bvertical\x0cfeed",
    "zero\u200bwidth\u200d joiner \ufeffbom \u00a0nbsp",
    "emoji 🤖 robots 👩‍🔬 and 中文 文本 日本語のテキスト 한국어",
    "combining e\u0301 a\u0308 n\u0303 o\u0328 \u0301alone",
    "[Erdos, 1945] \\textbf{bold} $x^2$ <b>tag</b> https://github.com/x/y.",
    "quantized quantization quantizing quantize quantum",
    "running runs ran easily fairly sky skies",
    "x" * 300 + " " + "y." * 50,
    "\x1b[31mred\x1b[0m \x00nul\x7f",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_terms_equal_the_analyzer_on_hostile_text(text):
    assert TERMS(text) == [token.text for token in ANALYZER(text)]


def test_terms_equal_the_analyzer_on_random_text():
    rng = random.Random(7)
    pool = "ab cd.E*_-'\"é É ß İ ﬁ 1 2 .. \t\n, ; ( ) σΣ ٣ ‍ \u0301 e"
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 40)))
        assert TERMS(text) == [token.text for token in ANALYZER(text)], repr(text)


def test_ascii_tokens_equal_the_whoosh_pattern():
    findall = analysis._DEFAULT_FINDALL
    tokens = analysis._default_tokens(findall)
    rng = random.Random(11)
    for _ in range(20000):
        text = "".join(rng.choice("ab9_*. .-,") for _ in range(rng.randint(0, 14)))
        assert tokens(text) == findall(text), repr(text)


def test_terms_equal_the_analyzer_on_the_seeds(seeds):
    library, _ = seeds
    for document in documents_of(library):
        for text in (document.title, document.abstract):
            assert TERMS(text) == [token.text for token in ANALYZER(text)]


# -- same hits as Whoosh ----------------------------------------------------------------------


def assert_same_hits(library: Library, fast: FastSearch, texts: list[str]) -> None:
    order = library.view().order
    for text in texts:
        query = parse_query(text).query
        if query is None:
            continue
        expected = {hit.id for hit in library.index.search(query)}
        result = fast.search(query, None, order, None)
        assert result is not None, text
        assert set(result.ids) == expected, text
        assert result.total == len(expected) == len(result.ids), text


def test_same_hits_as_whoosh_on_the_seeds(seeds):
    assert_same_hits(*seeds, ALL_QUERIES)


def test_same_hits_as_whoosh_on_a_synthetic_corpus(synthetic):
    assert_same_hits(*synthetic, ALL_QUERIES)


def test_same_hits_as_whoosh_for_the_benchmark_queries(synthetic):
    sets = query_sets(25)
    texts = [text for kind in sets.by_kind.values() for text in kind]
    assert_same_hits(*synthetic, texts)


def test_phrases_of_frequent_words_use_the_pair_index_and_stay_exact(tmp_path, monkeypatch, seeds_index):
    # With a low threshold every word is frequent: phrases are answered from the pair postings.
    monkeypatch.setattr(segment_builder, "BIGRAM_MIN_DF", 2)
    library = Library([seeds_index.digests], seeds_index.copy_index(tmp_path / "index"))
    library.sync()
    fast = FastSearch(tmp_path / "fast")
    fast.rebuild(documents_of(library))
    segment = fast._snapshot.segments[0]
    assert len(segment.fields["abstract"].bigram_keys) + len(segment.fields["abstract"].bigram_dense) > 1000
    phrases = [text for text in ALL_QUERIES if '"' in text] + ['"language model"', '"we propose"']
    assert_same_hits(library, fast, phrases)
    library.close()


@pytest.mark.slow  # every stored prefix is checked against Whoosh
def test_short_prefixes_stored_as_bitsets_stay_exact(synthetic, tmp_path, monkeypatch):
    monkeypatch.setattr(segment_builder, "SHORT_PREFIX_MIN_POSTINGS", 1)
    library, _ = synthetic
    fast = FastSearch(tmp_path / "fast")
    fast.rebuild(documents_of(library))
    stored = [key for key in fast._snapshot.segments[0].fields["abstract"].short_prefixes if key.isalpha()]
    assert {len(key) for key in stored} == {2, 3, 4}
    assert_same_hits(library, fast, stored + [step for word in TYPED_WORDS for step in typing_steps(word)[:4]])


# -- ranking ----------------------------------------------------------------------------------

FILLER = [Document(f"filler{n}", f"Filler {n}", "Plain words about cats and dogs.") for n in range(30)]


def small_index(tmp_path: Path, documents: list[Document]) -> FastSearch:
    fast = FastSearch(tmp_path / "fast")
    fast.rebuild(documents)
    return fast


def ranked(fast: FastSearch, text: str, order: list[str], **options) -> list[str]:
    result = fast.search(parse_query(text).query, None, order, None, **options)
    assert result is not None
    return result.ids


def test_a_title_match_ranks_above_a_single_abstract_mention(tmp_path):
    in_title = Document("title", "Quantum widgets", "Nothing else to say here at all.")
    in_abstract = Document("abstract", "Other things", "We mention quantum once in this text.")
    fast = small_index(tmp_path, [in_title, in_abstract, *FILLER])
    newest_first = ["abstract", "title", *(d.id for d in FILLER)]
    for text in ("quantum ", "quantum", "quant"):
        assert ranked(fast, text, newest_first) == ["title", "abstract"], text


def test_equal_scores_keep_the_default_order(tmp_path):
    same = [Document(f"same{n}", f"Same title {n}", "Identical abstract about graphs.") for n in range(6)]
    fast = small_index(tmp_path, [*same, *FILLER])
    order = ["same3", "same0", "same5", "same1", "same4", "same2", *(d.id for d in FILLER)]
    assert ranked(fast, "graphs ", order) == order[:6]


def test_scores_limit_and_total(synthetic, monkeypatch):
    monkeypatch.setattr(ranking, "FULL_SORT_MAX", 100)  # rank like a large library does
    library, fast = synthetic
    order = library.view().order
    query = parse_query("model").query
    full = fast.search(query, None, order, None)
    cut = fast.search(query, None, order, 7)
    assert cut.total == full.total > 1000
    assert cut.ids == full.ids[:7]
    scores = [full.scores[paper] for paper in full.ids[: fastsearch.RANKED_DEPTH]]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0
    with pytest.raises(KeyError):
        full.scores["not-a-paper"]
    # Beyond the ranked depth the hits follow the default order.
    rest = full.ids[fastsearch.RANKED_DEPTH :]
    position = {paper: index for index, paper in enumerate(order)}
    assert [position[paper] for paper in rest] == sorted(position[paper] for paper in rest)


@pytest.mark.parametrize("text", ["model", "language model", '"language models"', "qu", "model NOT vision"])
def test_whole_library_lanes_rank_like_per_hit_keys(synthetic, monkeypatch, text):
    library, fast = synthetic
    order = library.view().order
    query = parse_query(text).query
    per_hit = fast.search(query, None, order, None)
    monkeypatch.setattr(ranking, "FULL_SORT_MAX", 0)
    lanes = fast.search(query, None, order, None)
    depth = fastsearch.RANKED_DEPTH
    assert lanes.ids[:depth] == per_hit.ids[:depth] and lanes.total == per_hit.total
    assert [lanes.scores[p] for p in lanes.ids[:depth]] == [per_hit.scores[p] for p in per_hit.ids[:depth]]


def test_a_small_result_is_ranked_all_the_way(synthetic):
    library, fast = synthetic
    order = library.view().order
    result = fast.search(parse_query("reinforcement learning").query, None, order, None)
    assert 10 < result.total <= ranking.FULL_SORT_MAX
    position = {paper: index for index, paper in enumerate(order)}
    keys = [(-result.scores[paper], position[paper]) for paper in result.ids]
    assert keys == sorted(keys)


def test_allowed_and_excluded_filter_the_hits(synthetic):
    library, fast = synthetic
    order = library.view().order
    query = parse_query("model").query
    everything = fast.search(query, None, order, None)
    read = frozenset(order[::3])
    unread = fast.search(query, None, order, None, excluded=read)
    assert set(unread.ids) == set(everything.ids) - read and unread.total == len(unread.ids)
    as_set = fast.search(query, read, order, None)
    as_predicate = fast.search(query, read.__contains__, order, None)
    assert as_set.ids == as_predicate.ids and set(as_set.ids) == set(everything.ids) & read
    # Filtering never changes the relative order of what is left.
    kept = [paper for paper in everything.ids if paper not in read]
    assert unread.ids[:50] == kept[:50]


def test_papers_missing_from_the_order_are_not_returned(synthetic):
    library, fast = synthetic
    order = library.view().order
    shown = order[: len(order) // 2]
    result = fast.search(parse_query("model").query, None, shown, None)
    assert set(result.ids) <= set(shown) and result.total == len(result.ids)


# -- unsupported queries ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        parse_query("trasformer~").query,
        parse_query("tra*er").query,
        parse_query("[a TO c]").query,
        parse_query('"language model"~3').query,
        parse_query("id:abc").query,
        wq.Every(),
        wq.And([wq.Term("title", "model"), wq.FuzzyTerm("abstract", "modl")]),
        wq.Or([wq.Term("title", "model"), wq.Term("abstract", "vision")], minmatch=2),
    ],
)
def test_unsupported_queries_return_none(synthetic, query):
    library, fast = synthetic
    assert fast.search(query, None, library.view().order, None) is None


def test_nothing_loaded_means_unsupported(tmp_path):
    fast = FastSearch(tmp_path / "missing")
    assert fast.load() is False
    assert fast.search(parse_query("model").query, None, [], None) is None
    assert fast.update([Document("a", "A model", "")], []) is False


def test_an_empty_index_answers_with_no_hits(tmp_path):
    fast = small_index(tmp_path, [])
    result = fast.search(parse_query("model").query, None, [], None)
    assert result is not None and result.ids == [] and result.total == 0


# -- incremental updates ----------------------------------------------------------------------


def edited(document: Document) -> Document:
    return Document(document.id, document.title + " quantum revision", "A rewritten abstract about graphs.")


def compare(first: FastSearch, second: FastSearch, order: list[str], texts: list[str]) -> None:
    for text in texts:
        query = parse_query(text).query
        if query is None:
            continue
        one, two = first.search(query, None, order, None), second.search(query, None, order, None)
        assert (one.ids, one.total) == (two.ids, two.total), text


def test_incremental_updates_equal_a_rebuild(synthetic, tmp_path):
    library, _ = synthetic
    documents = documents_of(library)
    order = [document.id for document in documents]
    incremental = FastSearch(tmp_path / "incremental")
    incremental.rebuild(documents[:1200])
    incremental.update(documents[1200:1700], [d.id for d in documents[:40]])  # add and delete
    incremental.update([edited(d) for d in documents[100:130]], [])  # change in place
    for first in range(1700, 2000, 25):  # many small digests: segments merge along the way
        incremental.update(documents[first : first + 25], [])
    incremental.update([], [d.id for d in documents[500:520]])
    final = {d.id: d for d in documents[40:]}
    final.update({d.id: edited(d) for d in documents[100:130]})
    for paper in (d.id for d in documents[500:520]):
        del final[paper]
    rebuilt = FastSearch(tmp_path / "rebuilt")
    rebuilt.rebuild(final.values())
    assert incremental.doc_count() == rebuilt.doc_count() == len(final)
    assert len(incremental._snapshot.segments) < 12
    compare(incremental, rebuilt, order, ALL_QUERIES + ["quantum revision", '"rewritten abstract"'])
    incremental.compact()
    assert len(incremental._snapshot.segments) == 1 and not incremental._snapshot.dead
    compare(incremental, rebuilt, order, ALL_QUERIES)


def test_segments_split_at_their_size_limit_and_stay_exact(synthetic, tmp_path, monkeypatch):
    monkeypatch.setattr(segment_builder, "SEGMENT_MAX_DOCS", 700)
    library, whole = synthetic
    documents = documents_of(library)
    split = FastSearch(tmp_path / "split")
    split.rebuild(documents)
    assert [segment.size for segment in split._snapshot.segments] == [700, 700, 600]
    assert_same_hits(library, split, ALL_QUERIES)
    compare(split, whole, library.view().order, ALL_QUERIES)
    split.update([], [d.id for d in documents[650:750]])  # deletions across a boundary
    split.compact()
    assert [segment.size for segment in split._snapshot.segments] == [700, 700, 500]


def test_a_repeated_id_in_one_batch_keeps_the_last_copy(tmp_path):
    fast = small_index(tmp_path, [Document("a", "First words", ""), Document("a", "Second words", "")])
    assert ranked(fast, "second ", ["a"]) == ["a"]
    assert ranked(fast, "first ", ["a"]) == []
    assert fast.doc_count() == 1


def test_an_update_survives_a_new_process(synthetic, tmp_path):
    library, _ = synthetic
    documents = documents_of(library)
    fast = FastSearch(tmp_path / "fast")
    fast.rebuild(documents[:1000])
    fast.update(documents[1000:1100], [documents[0].id])
    order = [document.id for document in documents]
    expected = fast.search(parse_query("model").query, None, order, None).ids
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from reader.search.fastsearch import FastSearch\n"
        "from reader.search.query import parse_query\n"
        "fast = FastSearch(Path(sys.argv[1]))\n"
        "assert fast.load()\n"
        "order = json.loads(sys.argv[2])\n"
        "print(json.dumps(fast.search(parse_query('model').query, None, order, None).ids))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "fast"), json.dumps(order)],
        capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parent.parent,
    )
    assert json.loads(done.stdout) == expected
    assert documents[0].id not in expected


def test_another_writer_is_picked_up_by_refresh(synthetic, tmp_path):
    library, _ = synthetic
    documents = documents_of(library)
    writer = FastSearch(tmp_path / "fast")
    writer.rebuild(documents[:500])
    reader = FastSearch(tmp_path / "fast")
    assert reader.load() and reader.doc_count() == 500
    writer.update(documents[500:600], [])
    assert reader.changed_on_disk()
    assert reader.refresh() and reader.doc_count() == 600
    # A writer that loaded before the other's update works on the newer state.
    reader.update(documents[600:650], [])
    assert writer.refresh() and writer.doc_count() == 650


# -- damage -----------------------------------------------------------------------------------


@pytest.fixture()
def written(synthetic, tmp_path):
    library, _ = synthetic
    fast = FastSearch(tmp_path / "fast")
    documents = documents_of(library)
    fast.rebuild(documents[:300])
    fast.update(documents[300:400], [documents[0].id])
    return tmp_path / "fast"


def segment_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("seg-*.bin"))


def test_the_written_index_loads(written):
    assert FastSearch(written).load()


@pytest.mark.parametrize(
    "damage",
    [
        lambda folder: (folder / "manifest.json").unlink(),
        lambda folder: (folder / "manifest.json").write_text("{not json"),
        lambda folder: (folder / "manifest.json").write_text(
            (folder / "manifest.json").read_text().replace('"format": 1', '"format": 999')
        ),
        lambda folder: segment_files(folder)[0].unlink(),
        lambda folder: segment_files(folder)[-1].write_bytes(segment_files(folder)[-1].read_bytes()[:-100]),
        lambda folder: flip_byte(segment_files(folder)[0], 5000),
        lambda folder: flip_byte(segment_files(folder)[-1], -30),
        lambda folder: next(folder.glob("dead-*.bin")).write_bytes(b"\x01\x02\x03"),
        lambda folder: segment_files(folder)[0].write_bytes(b""),
    ],
    ids=["no manifest", "bad json", "other format", "missing segment", "truncated", "flipped body byte",
         "flipped footer byte", "bad deletions", "empty segment"],
)
def test_damaged_or_missing_files_do_not_load(written, damage):
    damage(written)
    fast = FastSearch(written)
    assert fast.load() is False
    assert fast.search(parse_query("model").query, None, [], None) is None


def flip_byte(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x5A
    path.write_bytes(bytes(data))


def test_wipe_then_rebuild(written):
    fast = FastSearch(written)
    assert fast.load()
    fast.wipe()
    assert not fast.load()
    fast.rebuild([Document("x", "Fresh start", "")])
    assert ranked(fast, "fresh ", ["x"]) == ["x"]
