"""Text clean-up, links and paper identity."""

from __future__ import annotations

import pytest
from reader.domain.text import clean_text, find_links, paper_id, title_key


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (r"from 43.3\% to 76.8\%", "from 43.3% to 76.8%"),
        (r"M\'elange and {\"o} and \`a and \c{c}", "Mélange and ö and à and ç"),
        (r"\textbf{bold} and \emph{\textit{nested}}", "bold and nested"),
        (r"\Psi-tuning with \alpha and \rho", "Ψ-tuning with α and ρ"),
        (r"a fully {\it single-loop} manner", "a fully single-loop manner"),
        (r"introducing \textbf{Positional \textbf{Integrity} (PIE).", "introducing Positional Integrity (PIE)."),
        ("tabs\tand  spaces\u00a0folded", "tabs and spaces folded"),
        ("\x1b[2Jcleared\x1b]52;c;ZXZpbA==\x07 \x9b31mred \x07bell \u202eevil", "cleared red bell evil"),
        ("[bold red]x[/] [link=file:///etc/passwd]y[/link]", "[bold red]x[/] [link=file:///etc/passwd]y[/link]"),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (r"Spearman's {\rho} for ranking", "Spearman's ρ for ranking"),
        (r"{\alpha}-{\beta} tuning and {\rho}{\sigma}", "α-β tuning and ρσ"),
        (r"\sqrt{\pi} and x^{\alpha \beta}", "√π and x^(α β)"),
        (r"a set $\{\rho\}$ and {BERT}", "a set {ρ} and {BERT}"),  # escaped or not a macro: kept
    ],
)
def test_braces_around_converted_macros_go(raw, clean):
    assert clean_text(raw) == clean


def test_dropping_braces_keeps_the_paper_id():
    assert paper_id(clean_text(r"Spearman's {\rho} for Ranking")) == paper_id(r"Spearman's {ρ} for Ranking")


def test_unknown_macros_stay_as_typed():
    assert clean_text(r"we introduce \framework, a system") == r"we introduce \framework, a system"


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("Code is available at https://github.com/chaudatascience/mixturegrowth.", ("https://github.com/chaudatascience/mixturegrowth",)),
        (
            "See (https://example.org/a) and https://x.y/z?q=1, then http://a.b/c!",
            ("https://example.org/a", "https://x.y/z?q=1", "http://a.b/c"),
        ),
        ("Wiki https://en.wikipedia.org/wiki/Foo_(bar).", ("https://en.wikipedia.org/wiki/Foo_(bar)",)),
        ("twice https://a.io/x and https://a.io/x.", ("https://a.io/x",)),
        ("no scheme www.example.com or ftp://files.example.com", ()),
        ("bare https:// alone", ()),
    ],
)
def test_find_links(text, links):
    assert find_links(text) == links


def test_title_key_folds_accents_case_and_punctuation():
    assert title_key("Mélange: Cost-Efficient  LLM   Serving!") == "melange cost efficient llm serving"
    assert title_key("MELANGE — cost efficient, LLM serving") == "melange cost efficient llm serving"


def test_same_title_key_same_id_and_different_titles_differ():
    assert paper_id("Mélange: Cost Efficient") == paper_id("melange  cost-efficient")
    assert paper_id("Paper A") != paper_id("Paper B")
    assert len(paper_id("x")) == 12
