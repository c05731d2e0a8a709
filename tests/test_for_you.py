"""For you: the unread papers ranked by likeness to the starred (or one tag's) papers."""

from __future__ import annotations

from pathlib import Path

import pytest
from reader.library.for_you import NO_STARS, because_line, for_you
from reader.library.library import Library
from reader.search.ranking import written_forms

# Three topics a reader can tell apart, and papers on none of them.
DECODING = [
    ("Speculative Decoding with Draft Trees",
     "Speculative decoding drafts tokens with a small draft model and verifies them in one pass."),
    ("Faster Drafts for Speculative Decoding",
     "We make the draft model cheaper: speculative decoding accepts more drafted tokens."),
    ("Self-Speculative Decoding Without a Draft Model",
     "The model drafts its own tokens; speculative decoding then verifies the draft."),
    ("Tree Verification in Speculative Decoding",
     "Verifying a tree of draft tokens raises the acceptance rate of speculative decoding."),
    ("Lookahead Drafting",
     "Drafting several tokens ahead speeds up decoding; the draft is verified by the target model."),
]
DIFFUSION = [
    ("Denoising Diffusion for Images",
     "A diffusion model denoises images step by step; the denoiser is a convolutional network."),
    ("Faster Diffusion Sampling",
     "Fewer denoising steps for diffusion models keep image quality with a better sampler."),
    ("Latent Diffusion at Scale", "Diffusion in a latent space denoises compressed images; the sampler is cheaper."),
    ("Guided Diffusion Editing", "Image editing guides the diffusion denoiser with text; sampling keeps the layout."),
]
PROTEINS = [
    ("Protein Folding with Attention",
     "We predict protein structure from sequence; folding is learned from residue contacts."),
    ("Protein Design by Inverse Folding",
     "Inverse folding designs protein sequences for a target structure of residues."),
    ("Residue Contacts for Protein Structure",
     "Residue contact maps constrain the protein structure; folding follows them."),
]
OTHERS = [
    ("A Survey of Benchmarks", "We list benchmarks and what each one measures, with their licences."),
    ("Crowdsourced Labels", "Workers label examples; we study their agreement and the cost of each label."),
]


def write_digest(path: Path, date_line: str, papers: list[tuple[str, str]]) -> None:
    body = "".join(f"{title}\n\n{abstract}\n\n" for title, abstract in papers)
    path.write_text(f"{date_line}\n\n{body}", encoding="utf-8")


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    root = tmp_path_factory.mktemp("for-you")
    (root / "digests").mkdir()
    write_digest(root / "digests" / "2026-01-01.txt", "Jan 1", DECODING[:3] + DIFFUSION[:2] + PROTEINS[:2] + OTHERS)
    write_digest(root / "digests" / "2026-01-02.txt", "Jan 2", DECODING[3:] + DIFFUSION[2:] + PROTEINS[2:])
    library = Library([root / "digests"], root / "index")
    library.sync()
    yield library
    library.close()


@pytest.fixture(scope="module")
def ids(library) -> dict[str, str]:
    return {summary.title: pid for pid, summary in library.view().papers.items()}


def id_of(ids, papers):
    return {ids[title] for title, _ in papers}


def test_stars_of_one_topic_rank_that_topic_first(library, ids):
    starred = id_of(ids, DECODING[:2])
    ranking = for_you(library, starred, read=frozenset())
    assert set(ranking.ids[:3]) == id_of(ids, DECODING[2:])
    assert not starred & set(ranking.ids)  # the seeds themselves are not ranked
    assert ranking.seeds == 2 and ranking.empty_reason is None


def test_a_set_of_another_topic_ranks_that_one_first(library, ids):
    ranking = for_you(library, id_of(ids, PROTEINS[:1]), read=frozenset())
    assert set(ranking.ids[:2]) == id_of(ids, PROTEINS[1:])


def test_read_and_muted_papers_are_left_out(library, ids):
    read, muted = ids[DECODING[2][0]], ids[DECODING[3][0]]
    ranking = for_you(library, id_of(ids, DECODING[:2]), read=frozenset({read}), muted=frozenset({muted}))
    assert read not in ranking.ids and muted not in ranking.ids
    assert ranking.ids[0] == ids[DECODING[4][0]]


def test_only_the_papers_starred_now_count(library, ids):
    """Unstarring the decoding papers and starring a diffusion one: diffusion ranks first."""
    before = for_you(library, id_of(ids, DECODING[:2]), read=frozenset())
    after = for_you(library, id_of(ids, DIFFUSION[:1]), read=frozenset())
    assert before.ids[0] in id_of(ids, DECODING)
    assert set(after.ids[:3]) == id_of(ids, DIFFUSION[1:])


def test_reasons_name_the_shared_words_as_written(library, ids):
    ranking = for_you(library, id_of(ids, DECODING[:2]), read=frozenset())
    because = ranking.because(ids[DECODING[3][0]])
    assert 1 <= len(because) <= 5
    assert {"speculative", "decoding"} <= set(because)  # the words, not their stems ("decod")
    assert "draft" in because or "drafts" in because
    assert because_line(("draft", "tokens")) == "because: draft, tokens, …"


def test_a_tag_ranks_by_its_papers_instead_of_the_stars(library, ids):
    tagged = id_of(ids, DIFFUSION[:2])
    ranking = for_you(library, id_of(ids, DECODING[:2]), read=frozenset(), tagged=tagged, tag="images")
    assert set(ranking.ids[:2]) == id_of(ids, DIFFUSION[2:])
    empty = for_you(library, id_of(ids, DECODING[:2]), read=frozenset(), tagged=frozenset(), tag="moe")
    assert not empty.ranked and empty.empty_reason == "No papers tagged #moe to rank the rest by."


def test_no_stars_is_an_empty_ranking_that_says_what_to_do(library):
    ranking = for_you(library, frozenset(), read=frozenset())
    assert not ranking.ranked and ranking.empty_reason == NO_STARS
    assert NO_STARS == "Star a few papers to rank the rest by them."


def test_stars_of_papers_gone_from_the_library_do_not_count(library):
    ranking = for_you(library, frozenset({"gone-paper-id"}), read=frozenset())
    assert not ranking.ranked and ranking.empty_reason == NO_STARS


def test_written_forms_are_the_most_common_spelling_of_each_stem():
    forms = written_forms(["Decoding decoding Decoded", "Drafts and draft, drafts"], {"decod", "draft"})
    assert forms == {"decod": "decoding", "draft": "drafts"}
