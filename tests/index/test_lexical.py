from cd38_guide.index.lexical import LexicalIndex, tokenize


def test_english_tokens_are_stemmed_and_hyphen_forms_meet():
    assert "drd" in tokenize("D-Rd") and "drd" in tokenize("DRd")
    assert tokenize("rechallenging")[0] == tokenize("rechallenge")[0]
    assert "the" not in tokenize("the washout")


def test_cytogenetic_terms_survive():
    assert "t4_14" in tokenize("t(4;14)") and "t4_14" in tokenize("t(4; 14)")
    assert "del17p" in tokenize("del(17p)") and "del17p" in tokenize("del17p")
    assert "1q21" in tokenize("1q21+")


def test_chinese_bigrams():
    assert tokenize("洗脱期") == ["洗脱", "脱期"]
    assert tokenize("抗CD38单抗") == ["抗", "cd38", "单抗"]


def test_bm25_ranks_and_round_trips(tmp_path):
    texts = ["washout before rechallenge", "neutropenia and G-CSF", "洗脱期后再次治疗"]
    index = LexicalIndex.build(texts)
    docs, scores = index.search(tokenize("rechallenge washout"), 3)
    assert docs.tolist()[0] == 0 and all(scores > 0)
    assert index.search(tokenize("洗脱期"), 3)[0].tolist() == [2]
    assert index.search(tokenize("migraine"), 3)[0].tolist() == []
    index.save(tmp_path / "bm25")
    again = LexicalIndex.load(tmp_path / "bm25")
    assert again.search(tokenize("G-CSF"), 2)[0].tolist() == [1]
    assert again.idf("washout") == index.idf("washout") and again.idf("never-seen") > again.idf("washout")


def test_british_and_american_spellings_meet():
    from cd38_guide.index.lexical import tokenize

    for british, american in [
        ("hypogammaglobulinaemia", "hypogammaglobulinemia"),
        ("haematological", "hematological"),
        ("randomised", "randomized"),
        ("oedema", "edema"),
        ("tumour", "tumor"),
    ]:
        assert tokenize(british) == tokenize(american), (british, american)
    assert tokenize("hour") != tokenize("hor")  # short words keep their spelling


def test_idf_memo_gives_the_formula_and_does_not_grow_with_unseen_tokens():
    import math

    index = LexicalIndex.build(["washout before rechallenge", "washout period", "neutropenia"])
    expected = math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))
    assert index.idf("washout") == expected and index.idf("washout") == expected  # computed, then memoised
    for i in range(100):
        index.idf(f"typed-by-a-user-{i}")
    assert set(index._idf) == {"washout"}
