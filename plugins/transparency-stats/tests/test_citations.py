"""« Citer ces chiffres »: the site, the label, the latest figure's date, its source and the permalink."""

from __future__ import annotations

from factories import FANS, D, observation, snapshot, stats_data
from transparency_stats.pages.citations import bibtex_escape, metric_citation


def test_a_metric_citation_is_ready_to_paste_and_its_bibtex_is_escaped():
    stats = stats_data(
        [FANS],
        [
            observation("fb_fans", D(2016, 11, 30), 80000),
            observation(
                "fb_fans", D(2016, 12, 23), 145000, read_in=snapshot(D(2016, 12, 23), source="Bilan 100 % & {x}")
            ),
        ],
    )
    cited = metric_citation(stats, "fb_fans", "https://blog.example/transparence/fb_fans/", "Le blog #1")
    assert cited.text == (
        "Le blog #1, «\u00a0Abonnés Facebook\u00a0», chiffres au 23\u00a0déc. 2016"
        " (source\u00a0: Bilan 100\u202f% & {x}), https://blog.example/transparence/fb_fans/"
    )
    assert cited.bibtex.splitlines() == [
        "@misc{fb_fans-2016-12-23,",
        "  author = {{Le blog \\#1}},",
        "  title = {{Abonnés Facebook}},",
        "  year = {2016},",
        "  note = {Chiffres au 2016-12-23 ; source : Bilan 100 \\% \\& \\{x\\}},",
        "  url = {https://blog.example/transparence/fb_fans/},",
        "  language = {french}",
        "}",
    ]


def test_bibtex_escape_leaves_no_unbalanced_brace_or_special_character():
    assert (
        bibtex_escape("a}b{c\\d_e$f~g^h")
        == "a\\}b\\{c\\textbackslash{}d\\_e\\$f\\textasciitilde{}g\\textasciicircum{}h"
    )
