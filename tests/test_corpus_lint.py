"""Corpus lint as tests: provenance, passage shape, consensus confinement, and the gold and calibration sets.

Fast and model-free: everything here reads ``corpus/`` and ``eval/`` directly.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from cd38_guide.corpus import load_corpus
from cd38_guide.types import TOPICS

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
GOLD = ROOT / "eval" / "gold.jsonl"
CALIBRATION = ROOT / "eval" / "calibration.jsonl"
# The shared seed lies beside the main checkout (/work/shared) and two levels up from a work tree (/work/wt/<name>).
SEED_ABSTRACT = next(
    (
        p
        for p in (r / "shared" / "seed" / "consensus_abstract.txt" for r in (ROOT.parent, ROOT.parents[1]))
        if p.is_file()
    ),
    ROOT.parent / "shared" / "seed" / "consensus_abstract.txt",
)

CONSENSUS_DOCS = {"consensus-abstract-en", "consensus-abstract-zh"}
FRONT_MATTER_KEYS = ("id", "title", "source_kind", "citation", "pmid", "doi", "url", "year", "language", "topics")
SOURCE_KINDS = {"consensus", "trial", "label", "guideline", "review", "glossary"}
KINDS = {"fact", "recommendation", "comparison", "multi_hop", "patient_education", "out_of_scope"}
GOLD_FIELDS = {"id", "question", "language", "topic", "kind", "expected_passages", "key_facts", "must_abstain"}
MIN_WORDS, MAX_WORDS = 40, 150

# Markers of the Pan-Pacific consensus (Chen W et al., Clin Hematol Int 2025) that belong only in its two documents.
PAN_PACIFIC_MARKERS = ("pan-pacific", "chen w", "clin hematol int", "40786241", "10.46989/001c.141401")
# Other consensus bodies a passage may legitimately quote ("the consensus advises" in the EMN vaccination passage).
OTHER_CONSENSUS_BODIES = re.compile(r"\b(EMN|European Myeloma Network|IMWG|IMS|SIIA|AABB|AAAAI)\b")
CONSENSUS_ATTRIBUTION = re.compile(
    r"\bthe consensus\b|\bconsensus (recommends|advises|states|suggests|supports)\b", re.I
)
CJK = re.compile(r"[\u4e00-\u9fff]")
# Author-facing remarks about the corpus itself; they belong in a passage's `notes`, never in its text.
META_PHRASES = (
    r"\bthis corpus\b",
    r"\bthe corpus\b",
    r"\bfor this corpus\b",
    r"\bother [\w-]+(?: [\w-]+)? passages?\b",
    r"\b(?:this|these|the following) passages?\b",
    r"\bnot verified\b",
    r"\bnot (?:re-?)?checked\b",
    r"\bnot read\b",
    r"\bnot captured\b",
    r"\bnot retrieved\b",
    r"\bnot documented in the sources\b",
    r"\bsources used\b",
    r"\bknown here\b",
    r"\bnot reproduced here\b",
    r"\bcould not be (?:checked|verified|confirmed)\b",
    r"\bfact sheets?\b",
    r"语料库",
)
META = re.compile("|".join(META_PHRASES), re.I)
HOSTS_BLOCK = re.compile(r"```hosts\n(.*?)```", re.S)
PAIR_ID = re.compile(r"^(?P<base>g\d{3})(?P<side>[ab])$")


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def corpus():
    return load_corpus([CORPUS])


def _read_jsonl(path: Path) -> list[dict]:
    rows = []
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            obj = json.loads(line)
            assert isinstance(obj, dict), f"{path.name}:{no}: not a JSON object"
            rows.append(obj)
    return rows


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    return _read_jsonl(GOLD)


@pytest.fixture(scope="module")
def calibration() -> list[dict]:
    return _read_jsonl(CALIBRATION)


def _front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"\A---\n(.*?)\n---\n", text, re.S)
    assert match, f"{path.name}: no YAML front matter"
    data = yaml.safe_load(match.group(1))
    assert isinstance(data, dict), f"{path.name}: front matter is not a mapping"
    return data


def _corpus_markdown() -> list[Path]:
    return sorted(p for p in CORPUS.glob("*.md") if p.name != "README.md")


def _words(text: str) -> int:
    return len(text.split())


# ---------------------------------------------------------------- corpus documents


def test_document_and_passage_ids_unique(corpus):
    doc_ids = [d.id for d in corpus.documents]
    assert len(doc_ids) == len(set(doc_ids)), [i for i, n in Counter(doc_ids).items() if n > 1]
    passage_ids = [p.id for d in corpus.documents for p in d.passages]
    assert len(passage_ids) == len(set(passage_ids)), [i for i, n in Counter(passage_ids).items() if n > 1]


def test_document_id_matches_file_name():
    for path in _corpus_markdown():
        assert _front_matter(path)["id"] == path.stem, f"{path.name}: front-matter id differs from the file name"


@pytest.mark.parametrize("path", _corpus_markdown(), ids=lambda p: p.stem)
def test_front_matter_complete(path: Path):
    fm = _front_matter(path)
    missing = [k for k in FRONT_MATTER_KEYS if k not in fm]
    assert not missing, f"{path.name}: front matter lacks {missing}"
    assert str(fm["title"]).strip(), f"{path.name}: empty title"
    assert str(fm["citation"]).strip(), f"{path.name}: empty citation"
    assert fm["source_kind"] in SOURCE_KINDS, f"{path.name}: source_kind {fm['source_kind']!r}"
    assert fm["language"] in ("en", "zh"), f"{path.name}: language {fm['language']!r}"
    assert fm["topics"] and set(fm["topics"]) <= set(TOPICS), f"{path.name}: topics {fm['topics']!r}"


def test_every_document_has_a_link(corpus):
    unlinked = [d.id for d in corpus.documents if not (d.provenance.pmid or d.provenance.doi or d.provenance.url)]
    assert not unlinked, f"documents with neither PMID, DOI nor URL: {unlinked}"


def test_every_passage_has_a_citation_and_topics(corpus):
    for p in corpus.passages.values():
        assert p.provenance.citation.strip(), p.id
        assert p.topics and set(p.topics) <= set(TOPICS), (p.id, p.topics)
        assert p.text.strip(), f"{p.id}: empty passage"


def test_passage_text_has_no_author_facing_remarks(corpus):
    """Remarks about how the corpus was built go in `notes`; a clinician must never be quoted one as evidence."""
    bad = {}
    for p in corpus.passages.values():
        hits = [m.group(0) for m in META.finditer(f"{p.heading} {p.text}")]
        if hits:
            bad[p.id] = hits
    assert not bad, f"move these remarks from the passage text to its `notes` field: {bad}"


def test_notes_are_provenance_not_a_copy_of_the_text(corpus):
    for p in corpus.passages.values():
        if p.notes is not None:
            assert p.notes.strip(), p.id
            assert p.notes not in p.text, f"{p.id}: the note repeats passage text"


def _allowed_hosts() -> dict[str, bool]:
    """Host -> official? parsed from the fenced ``hosts`` list in corpus/README.md."""
    match = HOSTS_BLOCK.search((CORPUS / "README.md").read_text(encoding="utf-8"))
    assert match, "corpus/README.md has no ```hosts fenced list"
    hosts: dict[str, bool] = {}
    for line in match.group(1).splitlines():
        fields = line.split("#", 1)[0].split()
        if fields:
            assert len(fields) <= 2 and fields[1:] in ([], ["official"]), f"hosts list: bad line {line!r}"
            hosts[fields[0].lower()] = fields[1:] == ["official"]
    return hosts


def _listed_host(url: str, hosts: dict[str, bool]) -> str | None:
    host = (urlsplit(url).hostname or "").lower()
    return next((h for h in hosts if host == h or host.endswith("." + h)), None)


def test_hosts_list_parses():
    hosts = _allowed_hosts()
    assert {"pubmed.ncbi.nlm.nih.gov", "doi.org", "accessdata.fda.gov"} <= set(hosts)
    assert hosts["accessdata.fda.gov"] and not hosts["doi.org"]
    assert _listed_host("https://www.ema.europa.eu/en/x", hosts) == "ema.europa.eu"
    assert _listed_host("http://47.251.13.51:8081/34097854", hosts) is None
    assert _listed_host("https://evil-pubmed.ncbi.nlm.nih.gov.example.com/", hosts) is None


def test_every_link_is_on_an_allowed_host(corpus):
    hosts = _allowed_hosts()
    owners = [(d.id, d.provenance) for d in corpus.documents]
    owners += [(p.id, p.provenance) for p in corpus.passages.values()]
    bad = {who: prov.url for who, prov in owners if prov.url and not _listed_host(prov.url, hosts)}
    assert not bad, f"links outside the allow-list in corpus/README.md (use PubMed/DOI or null): {bad}"
    insecure = {who: prov.url for who, prov in owners if prov.url and not prov.url.startswith("https://")}
    assert not insecure, f"links must use https: {insecure}"


# A PubMed or PMC article URL carries its identifier in the path.
ARTICLE_URL = re.compile(r"^https://(pubmed\.ncbi\.nlm\.nih\.gov/\d+|pmc\.ncbi\.nlm\.nih\.gov/articles/PMC\d+)")
# Passages whose source has no PMID or DOI that could be verified (congress abstracts, an educational handbook,
# news reports, journal pages whose identifiers were not read). Each links to a trusted host or has no link;
# the list may only shrink: add a verified PMID or DOI to the passage, then remove its id here.
IDENTIFIER_GAPS = frozenset(
    {
        "boston-context-result",
        "bortezomib-neuropathy-weekly",
        "candor-asian-subgroup",
        "candor-lenalidomide-refractory",
        "danish-daratumumab-outcomes",
        "danish-daratumumab-retreatment",
        "daratumumab-early-access-irr",
        "equuleus-design",
        "equuleus-response",
        "equuleus-safety",
        "equuleus-survival",
        "giri-frontline-high-risk",
        "giri-rrmm-high-risk",
        "icaria-elderly",
        "ikema-1q21",
        "ikema-lenalidomide-refractory",
        "ims-imwg-2025-anz-validation",
        "imwg-line-of-therapy",
        "imwg-refractory-definition",
        "maia-frailty-dynamic",
        "mayo-lakshman-outcomes",
        "pollux-first-relapse",
        "pre1003-lenalidomide-renal",
        "review-lenalidomide-status",
        "review-pvd-after-anti-cd38",
        "review-relapse-triplets",
        "wang-nk-fratricide",
    }
)


def test_every_passage_has_an_identifier(corpus):
    """A citation plus a PMID, a DOI, a PubMed/PMC article URL or the URL of an official record (label, registry)."""
    hosts = _allowed_hosts()
    lacking = set()
    for p in corpus.passages.values():
        prov = p.provenance
        assert prov.citation.strip(), f"{p.id}: no citation"
        official = bool(prov.url) and hosts.get(_listed_host(prov.url, hosts) or "", False)
        if not (prov.pmid or prov.doi or official or ARTICLE_URL.match(prov.url or "")):
            lacking.add(p.id)
    new = sorted(lacking - IDENTIFIER_GAPS)
    assert not new, f"passages with no PMID, DOI or official record URL: {new}"
    fixed = sorted(IDENTIFIER_GAPS - lacking)
    assert not fixed, f"these passages now have an identifier: remove them from IDENTIFIER_GAPS: {fixed}"


def test_identifiers_well_formed(corpus):
    for p in corpus.passages.values():
        prov = p.provenance
        assert prov.pmid is None or re.fullmatch(r"\d{6,9}", prov.pmid), (p.id, prov.pmid)
        assert prov.doi is None or re.fullmatch(r"10\.\d{4,9}/\S+", prov.doi), (p.id, prov.doi)


def test_english_passage_length(corpus):
    bad = {
        p.id: _words(p.text)
        for p in corpus.passages.values()
        if p.language == "en" and p.document_id not in CONSENSUS_DOCS and not MIN_WORDS <= _words(p.text) <= MAX_WORDS
    }
    assert not bad, f"English passages outside {MIN_WORDS}-{MAX_WORDS} words: {bad}"


def test_passage_ids_well_formed(corpus):
    """Passage ids are lowercase and hyphenated: the gold set, rules and saved answers refer to them."""
    for p in corpus.passages.values():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", p.id), p.id


# ---------------------------------------------------------------- consensus confinement


def test_consensus_only_in_consensus_documents(corpus):
    for d in corpus.documents:
        if d.id in CONSENSUS_DOCS:
            assert d.provenance.source_kind == "consensus", d.id
            for p in d.passages:
                assert p.provenance.source_kind == "consensus", p.id
                assert p.id.startswith("consensus-"), p.id
        else:
            assert d.provenance.source_kind != "consensus", f"{d.id}: only the abstract documents are consensus"
            for p in d.passages:
                assert p.provenance.source_kind != "consensus", p.id
                assert not p.id.startswith("consensus-"), p.id


def test_both_consensus_documents_present(corpus):
    assert CONSENSUS_DOCS <= {d.id for d in corpus.documents}


def test_nothing_outside_the_abstract_is_attributed_to_the_pan_pacific_consensus(corpus):
    for p in corpus.passages.values():
        if p.document_id in CONSENSUS_DOCS:
            continue
        haystack = " ".join([p.text, p.provenance.citation, p.provenance.secondary or "", p.heading]).lower()
        hits = [m for m in PAN_PACIFIC_MARKERS if m in haystack]
        assert not hits, f"{p.id} mentions the Pan-Pacific consensus ({hits}); only the abstract documents may"
        if CONSENSUS_ATTRIBUTION.search(p.text):
            assert OTHER_CONSENSUS_BODIES.search(p.text), (
                f"{p.id} attributes something to 'the consensus' without naming which body's consensus it is"
            )


def test_chinese_consensus_passages_translate_english_ones(corpus):
    zh = [p for p in corpus.passages.values() if p.document_id == "consensus-abstract-zh"]
    assert zh
    for p in zh:
        assert p.language == "zh", p.id
        assert p.translation_of, f"{p.id}: no translation_of"
        original = corpus.passages[p.translation_of]
        assert original.document_id == "consensus-abstract-en", (
            f"{p.id} translates {original.id}, not the English abstract"
        )


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_consensus_sentences_are_verbatim_quotes(corpus):
    if not SEED_ABSTRACT.is_file():
        pytest.skip(f"{SEED_ABSTRACT} not available on this machine")
    seed = _squash(SEED_ABSTRACT.read_text(encoding="utf-8"))
    for p in corpus.passages.values():
        if p.document_id not in CONSENSUS_DOCS:  # the seed file holds the English and the Chinese abstract
            continue
        sentences = p.sentence_texts() or [p.text]
        for s in sentences:
            assert _squash(s) in seed, f"{p.id}: sentence not found verbatim in the published abstract: {s!r}"


# ---------------------------------------------------------------- glossary


def test_glossary_rows_have_both_sides(corpus):
    lines = (CORPUS / "glossary.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t")[:3] == ["term", "language", "expansion"]
    for no, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        assert len(cells) >= 3 and cells[0].strip() and cells[2].strip(), f"glossary.tsv:{no}: needs term and expansion"
    assert corpus.glossary
    for e in corpus.glossary:
        assert e.term.strip() and e.expansion.strip(), e


def test_chinese_gold_questions_are_reachable(corpus, gold):
    """Each answerable Chinese gold question holds a glossary term or a Latin-script name (DRd, POLLUX, ...)."""
    zh_terms = [e.term for e in corpus.glossary if e.language == "zh"]
    for q in gold:
        if q["language"] == "zh" and not q["must_abstain"]:
            assert any(t in q["question"] for t in zh_terms) or re.search(r"[A-Za-z]{2,}", q["question"]), q["id"]


# ---------------------------------------------------------------- gold and calibration: shared record checks


def _check_records(rows: list[dict], corpus, name: str) -> None:
    ids = [r.get("id") for r in rows]
    assert len(ids) == len(set(ids)), f"{name}: duplicate ids {[i for i, n in Counter(ids).items() if n > 1]}"
    for r in rows:
        rid = r.get("id")
        assert set(r) == GOLD_FIELDS, f"{name} {rid}: fields {sorted(set(r) ^ GOLD_FIELDS)} differ from the contract"
        assert isinstance(r["question"], str) and r["question"].strip(), rid
        assert r["language"] in ("en", "zh"), rid
        assert r["topic"] in TOPICS, f"{name} {rid}: topic {r['topic']!r}"
        assert r["kind"] in KINDS, f"{name} {rid}: kind {r['kind']!r}"
        assert isinstance(r["must_abstain"], bool), rid
        assert isinstance(r["expected_passages"], list) and isinstance(r["key_facts"], list), rid
        if r["language"] == "zh":
            assert CJK.search(r["question"]), f"{name} {rid}: marked zh but has no Chinese characters"
        assert (r["kind"] == "out_of_scope") == r["must_abstain"], f"{name} {rid}: out_of_scope iff must_abstain"
        if r["must_abstain"]:
            assert r["expected_passages"] == [] and r["key_facts"] == [], f"{name} {rid}: abstention with evidence"
            continue
        assert r["expected_passages"], f"{name} {rid}: answerable but no expected passage"
        assert r["key_facts"], f"{name} {rid}: answerable but no key fact"
        missing = [p for p in r["expected_passages"] if p not in corpus.passages]
        assert not missing, f"{name} {rid}: expected passages not in the corpus: {missing}"
        texts = [corpus.passages[p].text for p in r["expected_passages"]]
        for fact in r["key_facts"]:
            try:
                rx = re.compile(fact, re.I)
            except re.error as err:  # pragma: no cover - the message is the point
                pytest.fail(f"{name} {rid}: key fact {fact!r} does not compile: {err}")
            assert any(rx.search(t) for t in texts), (
                f"{name} {rid}: key fact {fact!r} is in none of its expected passages"
            )


def test_gold_records(gold, corpus):
    _check_records(gold, corpus, "gold")


def test_calibration_records(calibration, corpus):
    _check_records(calibration, corpus, "calibration")


def test_gold_and_calibration_load_through_the_evaluator():
    from cd38_guide.evaluation.datasets import load_gold

    assert len(load_gold(GOLD)) >= 120
    assert len(load_gold(CALIBRATION)) >= 40


# ---------------------------------------------------------------- gold set shape


def test_gold_id_format(gold):
    for r in gold:
        assert re.fullmatch(r"g\d{3}[ab]?", r["id"]), r["id"]


def _pairs(gold: list[dict]) -> dict[str, dict[str, dict]]:
    pairs: dict[str, dict[str, dict]] = {}
    for r in gold:
        m = PAIR_ID.match(r["id"])
        if m:
            pairs.setdefault(m["base"], {})[m["side"]] = r
    return pairs


def test_gold_paraphrase_pairs(gold):
    pairs = _pairs(gold)
    for base, sides in pairs.items():
        assert set(sides) == {"a", "b"}, f"{base}: a paraphrase pair needs both {base}a and {base}b"
        a, b = sides["a"], sides["b"]
        assert a["question"] != b["question"], base
        assert set(a["expected_passages"]) == set(b["expected_passages"]), f"{base}: pair differs in expected passages"
        assert a["key_facts"] == b["key_facts"], f"{base}: pair differs in key facts"
        assert a["must_abstain"] == b["must_abstain"] and a["topic"] == b["topic"], base
    assert sum(1 for s in pairs.values() if not s["a"]["must_abstain"]) >= 15, "need >= 15 answerable paraphrase pairs"


def test_gold_counts(gold):
    assert len(gold) >= 120
    assert sum(r["language"] == "zh" for r in gold) >= 20
    assert sum(r["must_abstain"] for r in gold) >= 20
    assert sum(r["kind"] == "multi_hop" for r in gold) >= 10
    assert len(_pairs(gold)) >= 15
    assert {r["kind"] for r in gold} == KINDS


def test_gold_multi_hop_needs_two_facts(gold):
    for r in gold:
        if r["kind"] == "multi_hop":
            assert len(r["key_facts"]) >= 2 and len(r["expected_passages"]) >= 2, r["id"]


def test_gold_covers_every_topic(gold):
    answerable = Counter(r["topic"] for r in gold if not r["must_abstain"])
    thin = {t: answerable[t] for t in TOPICS if answerable[t] < 3}
    assert not thin, f"topics with fewer than 3 answerable gold questions: {thin}"
    numeric = Counter(
        r["topic"] for r in gold if not r["must_abstain"] and any(re.search(r"\d", f) for f in r["key_facts"])
    )
    # background rests on the consensus abstract alone, which gives no figures
    lacking = [t for t in TOPICS if t != "background" and numeric[t] == 0]
    assert not lacking, f"topics without a question asking for a figure: {lacking}"


def test_gold_questions_unique(gold):
    norm = [_squash(r["question"]).lower() for r in gold]
    assert len(norm) == len(set(norm)), [q for q, n in Counter(norm).items() if n > 1]


# ---------------------------------------------------------------- calibration set shape and separation


def test_calibration_counts(calibration):
    assert len(calibration) >= 40
    answerable = sum(not r["must_abstain"] for r in calibration)
    abstain = sum(r["must_abstain"] for r in calibration)
    assert answerable >= 20 and abstain >= 12, (answerable, abstain)
    assert {r["language"] for r in calibration} == {"en", "zh"}
    for lang in ("en", "zh"):
        kinds = {r["must_abstain"] for r in calibration if r["language"] == lang}
        assert kinds == {True, False}, f"calibration needs answerable and abstain questions in {lang}"


def test_calibration_ids_distinct_from_gold(gold, calibration):
    assert not {r["id"] for r in gold} & {r["id"] for r in calibration}


def test_calibration_shares_no_question_with_gold(gold, calibration):
    gold_q = [_squash(r["question"]).lower() for r in gold]
    for r in calibration:
        c = _squash(r["question"]).lower()
        assert c not in gold_q, f"{r['id']} repeats a gold question"
        close = [g for g in gold_q if difflib.SequenceMatcher(None, c, g).ratio() >= 0.85]
        assert not close, f"{r['id']} is a near-copy of gold question(s) {close}"
