"""French typography: no-break spaces in numbers, before ; ! ? : and inside « », in text and in Markdown."""

import markdown
import pytest
from hypothesis import given
from hypothesis import strategies as st

from transparency_stats.french.markdown_ext import TypographyExtension
from transparency_stats.french.typography import typeset

NBSP = "\u00a0"
NNBSP = "\u202f"
# The site's own Markdown settings (pelicanconf.py), so that the extensions meet as in a build.
SMARTY = {
    "smart_angled_quotes": True,
    "substitutions": {"left-angle-quote": "«&nbsp;", "right-angle-quote": "&nbsp;»"},
}


def to_html(text: str, typography: bool = True) -> str:
    """Return text through Python-Markdown with the site's extensions (and the typography one)."""
    extensions = ["markdown.extensions.extra", "markdown.extensions.smarty", "markdown.extensions.toc"]
    if typography:
        extensions.append(TypographyExtension())
    md = markdown.Markdown(
        extensions=extensions, extension_configs={"markdown.extensions.smarty": SMARTY}, output_format="html5"
    )
    return md.convert(text)


@pytest.mark.parametrize(
    "typed, typeset_",
    [
        ("40 000 fin octobre", f"40{NNBSP}000{NBSP}fin octobre"),
        ("une salle de 1 400 personnes", f"une salle de 1{NNBSP}400{NBSP}personnes"),
        ("1 000 000 de vues", f"1{NNBSP}000{NNBSP}000{NBSP}de vues"),
        ("de\n216 000 à 726 000", f"de\n216{NNBSP}000{NBSP}à 726{NNBSP}000"),
        ("14 611,5 abonnés", f"14{NNBSP}611,5{NBSP}abonnés"),
        # Two numbers side by side stay two numbers.
        ("entre 2016 2017", "entre 2016 2017"),
        ("en 2016 2 000 personnes", f"en 2016 2{NNBSP}000{NBSP}personnes"),
        ("les épisodes 9 et 11 ont", f"les épisodes 9{NBSP}et 11{NBSP}ont"),
        ("les numéros 12 1234", "les numéros 12 1234"),
        ("01 23 45 67 89", "01 23 45 67 89"),
        ("2,5 000", "2,5 000"),
        ("A4 000", "A4 000"),
        ("plus de 10 % des voix", f"plus de 10{NNBSP}% des voix"),
        ("2,7 millions de visites", f"2,7{NBSP}millions de visites"),
        ("67 millions de fois, 3 milliards", f"67{NBSP}millions de fois, 3{NBSP}milliards"),
        ("le million de vues", "le million de vues"),
        ("« 10 propositions »", f"«{NBSP}10{NBSP}propositions{NBSP}»"),
        ("le 1er décembre, ≥ 17 000 soutiens", f"le 1er{NBSP}décembre, ≥ 17{NNBSP}000{NBSP}soutiens"),
        ("jlm2017 est", "jlm2017 est"),
        ("https://x.fr/?b=1:2 et", "https://x.fr/?b=1:2 et"),
        ("(2 fois)", f"(2{NBSP}fois)"),
    ],
)
def test_digit_groups_typed_with_spaces_get_narrow_no_break_spaces(typed, typeset_):
    assert typeset(typed) == typeset_


@pytest.mark.parametrize(
    "typed, typeset_",
    [
        ("nous suivent ; 13 000", f"nous suivent{NNBSP}; 13{NNBSP}000"),
        ("Vraiment ?", f"Vraiment{NNBSP}?"),
        ("Enfin !", f"Enfin{NNBSP}!"),
        ("Quoi ?!", f"Quoi{NNBSP}?!"),
        ("YouTube : une chaîne", f"YouTube{NBSP}: une chaîne"),
        ("un grand rôle\n: chaque épisode", f"un grand rôle{NBSP}: chaque épisode"),
        ("« La Revue »", f"«{NBSP}La Revue{NBSP}»"),
        ("«La Revue»", f"«{NBSP}La Revue{NBSP}»"),
        ("«\nLa Revue\n»", f"«{NBSP}La Revue{NBSP}»"),
    ],
)
def test_punctuation_and_guillemets_get_no_break_spaces(typed, typeset_):
    assert typeset(typed) == typeset_


@pytest.mark.parametrize(
    "text",
    [
        "à 10:00, précises",
        "https://melenchon.fr/2017/01/05/reseaux-et-mouvements/?ref=feed&a=1:2",
        "mailto:equipe@example.org?subject=Bonjour",
        "C:\\Users\\equipe",
        "ratio 3:1",
        "pourquoi?",
        "",
    ],
)
def test_what_holds_no_space_stays_as_typed(text):
    assert typeset(text) == text


@given(st.text(alphabet=st.sampled_from(list("0123456789 :;!?«»%ab,.\n") + [NBSP, NNBSP])))
def test_typesetting_twice_changes_nothing(text):
    once = typeset(text)
    assert typeset(once) == once


@given(st.text(alphabet=st.sampled_from(list("0123456789 :;!?«»%ab,.\n") + [NBSP, NNBSP])))
def test_typesetting_only_changes_spaces_and_adds_them_inside_guillemets(text):
    def bare(s):
        return "".join(c for c in s if c not in " \n\t\r" + NBSP + NNBSP)

    assert bare(typeset(text)) == bare(text)


def test_markdown_typesets_prose_headings_links_and_emphasis():
    html = to_html("## YouTube : une chaîne\n\nPlus de *145 000* abonnés ; [le bilan ?](https://x.fr/?q=1) !\n")
    assert f'<h2 id="youtube-une-chaine">YouTube{NBSP}: une chaîne</h2>' in html
    assert f"<em>145{NNBSP}000</em> abonnés{NNBSP};" in html
    assert f'<a href="https://x.fr/?q=1">le bilan{NNBSP}?</a>{NNBSP}!' in html


def test_markdown_leaves_code_urls_and_attributes_alone():
    text = (
        'Voir <https://example.org/a?b=1 :2> et [ici](https://x.fr/?q=1 "titre : 40 000 ?").\n\n'
        "Tapez `invoke snapshot --date 2017-02-01 : 40 000 ?` puis <kbd>Ctrl :</kbd>.\n\n"
        "    code : 1 000 000 ?\n\n"
        "```\nfenced : 1 000 ?\n```\n"
    )
    html = to_html(text)
    assert NBSP not in html and NNBSP not in html, html
    assert html == to_html(text, typography=False)


def test_markdown_leaves_raw_html_alone():
    text = '<div class="note">brut : 40 000 ?</div>\n\nTexte : 40 000.\n'
    html = to_html(text)
    assert '<div class="note">brut : 40 000 ?</div>' in html
    assert f"Texte{NBSP}: 40{NNBSP}000." in html


def test_smarty_guillemets_get_one_no_break_space_each_side():
    assert to_html("<< La Revue >> et << Revue >>") == "<p>«&nbsp;La Revue&nbsp;» et «&nbsp;Revue&nbsp;»</p>"


def test_typed_guillemets_around_emphasis():
    assert to_html("« *La Revue* »") == f"<p>«{NBSP}<em>La Revue</em>{NBSP}»</p>"


def test_markdown_typesetting_is_idempotent():
    text = "Plus de 145 000 abonnés ; « 10 propositions » : vraiment ?\n"
    once = to_html(text)
    assert to_html(once) == once
