"""The handling model's defaults and constraints, as every channel applies them."""

from __future__ import annotations

import pytest

from intelpool.access.evaluation import Scheme, decide_evaluation
from intelpool.access.handling import (
    PAP,
    TLP,
    Audience,
    HandlingCode,
    HandlingRequest,
    decide_handling,
)
from intelpool.errors import HandlingError, InvalidInput


@pytest.mark.parametrize(("label", "tlp"), [("white", TLP.CLEAR), ("TLP:CLEAR", TLP.CLEAR),
                                            ("Amber+Strict", TLP.AMBER_STRICT),
                                            ("tlp:amber_strict", TLP.AMBER_STRICT)])
def test_tlp_labels_are_read_as_partners_write_them(label: str, tlp: TLP) -> None:
    assert TLP.parse(label) is tlp


@pytest.mark.parametrize(("tlp", "pool"), [("clear", True), ("green", True), ("amber", False),
                                           ("amber+strict", False), ("red", False)])
def test_default_audience_follows_tlp(tlp: str, pool: bool) -> None:
    assert decide_handling(HandlingRequest(tlp=tlp)).audience == Audience(pool=pool)


@pytest.mark.parametrize(("request_", "message"), [
    (HandlingRequest(tlp="red", audience=["pool"]), "TLP:RED may not have audience pool"),
    (HandlingRequest(tlp="amber+strict", audience=["pool"]), "AMBER\\+STRICT"),
    (HandlingRequest(tlp="green", codes=["H3"]), "H3 needs its restriction text"),
    (HandlingRequest(tlp="green", codes=["H0", "H2"]), "H0 .* contradicts"),
    (HandlingRequest(tlp="clear", codes=["H2"]), "contradicts TLP:CLEAR"),
    (HandlingRequest(tlp="purple"), "unknown TLP label"),
    (HandlingRequest(tlp="green", audience=["everyone"]), "unknown audience"),
    (HandlingRequest(tlp="green", pap="blue"), "unknown PAP"),
    (HandlingRequest(tlp="green", codes=["H7"]), "unknown handling code"),
])
def test_constraints_give_clear_errors(request_: HandlingRequest, message: str) -> None:
    with pytest.raises(HandlingError, match=message):
        decide_handling(request_)


def test_h3_text_implies_the_code_and_red_may_name_recipients() -> None:
    handling = decide_handling(HandlingRequest(tlp="red", audience=["org:Bank", "group:EU"],
                                               codes=["H1"], h3_text="no use in court",
                                               pap="white"))
    assert handling.codes == {HandlingCode.H1, HandlingCode.H3}
    assert handling.audience == Audience(False, frozenset({"Bank"}), frozenset({"EU"}))
    assert handling.pap is PAP.CLEAR


def test_file_markings_only_tighten() -> None:
    green = decide_handling(HandlingRequest(tlp="green", pap="amber"))
    assert green.tightened(TLP.CLEAR, PAP.CLEAR) == green
    red = green.tightened(TLP.RED, None)
    assert (red.tlp, red.pap, red.audience.pool) == (TLP.RED, PAP.AMBER, False)


@pytest.mark.parametrize(("rel", "cred", "default", "expected"), [
    ("B", "2", Scheme.FOUR_BY_FOUR, (Scheme.FOUR_BY_FOUR, "B", "2")),
    ("B", "2", Scheme.ADMIRALTY, (Scheme.ADMIRALTY, "B", "2")),
    ("X", "1", Scheme.ADMIRALTY, (Scheme.FOUR_BY_FOUR, "X", "1")),
    ("e", "5", Scheme.FOUR_BY_FOUR, (Scheme.ADMIRALTY, "E", "5")),
    (None, "3", Scheme.ADMIRALTY, (Scheme.ADMIRALTY, None, "3")),
])
def test_evaluation_scheme_inferred_from_codes(
    rel: str | None, cred: str, default: Scheme, expected: tuple[Scheme, str | None, str]
) -> None:
    ev = decide_evaluation(rel, cred, None, default)
    assert ev is not None and (ev.scheme, ev.reliability, ev.credibility) == expected


def test_evaluation_codes_checked_against_their_scheme() -> None:
    with pytest.raises(InvalidInput, match="not a 4x4 code"):
        decide_evaluation("X", "5", Scheme.FOUR_BY_FOUR, Scheme.FOUR_BY_FOUR)
    with pytest.raises(InvalidInput, match="reliability 'Z'"):
        decide_evaluation("Z", None, None, Scheme.ADMIRALTY)
    assert decide_evaluation(None, None, None, Scheme.ADMIRALTY) is None
