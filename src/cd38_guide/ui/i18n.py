"""Interface labels in English and Chinese; the language radio relabels components from this table.

Labels are translated here; quoted passages stay in the language they were written in. Report vocabulary (flag
labels, field names, units, rule messages) lives in ``vocab.py``.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "zh"]

LANG_CHOICES: list[tuple[str, str]] = [("English", "en"), ("中文", "zh")]

STRINGS: dict[str, tuple[str, str]] = {
    # header and tabs
    "title": ("cd38-guide", "cd38-guide"),
    "subtitle": (
        "Cited answers on anti-CD38 antibodies (daratumumab, isatuximab) in relapsed/refractory multiple myeloma. "
        "Decision support for clinicians, not a prescriber.",
        "抗CD38单抗（达雷妥尤单抗、艾沙妥昔单抗）治疗复发/难治性多发性骨髓瘤的循证问答，每条均附出处。"
        "供临床医生参考的决策支持工具，不能代替处方决定。",
    ),
    "ui_language": ("Interface language", "界面语言"),
    "tab_ask": ("Ask", "提问"),
    "tab_patient": ("Patient check", "患者评估"),
    "tab_education": ("Patient education", "患者教育"),
    "tab_eval": ("Evaluation", "评估报告"),
    "tab_about": ("About", "关于"),
    # ask tab
    "question": ("Question", "问题"),
    "question_ph": (
        "Ask in English or Chinese, e.g. 'Which anti-CD38 regimen after lenalidomide-refractory relapse?' "
        "(Enter sends, Shift+Enter adds a line)",
        "可用中文或英文提问，例如“来那度胺难治后选择哪种抗CD38方案？”（Enter 发送，Shift+Enter 换行）",
    ),
    "ask": ("Ask", "提问"),
    "new_chat": ("New conversation", "新对话"),
    "examples": ("Example questions", "示例问题"),
    "conversation": ("Conversation", "对话"),
    "sources": ("Sources", "出处"),
    "copy": ("Copy answer with references", "复制回答及参考文献"),
    "copied": ("Copied", "已复制"),
    "copy_box": ("Answer with references (select and copy)", "回答及参考文献（可选中复制）"),
    "copy_acc": ("Plain-text answer", "纯文本回答"),
    "empty_chat": (
        "Ask a question, or click an example. Each statement in an answer is quoted from a passage and marked [n]; "
        "click a marker to open the passage.",
        "请输入问题或点击示例。回答中的每句话均摘自语料段落并标注 [n]；点击标注可展开对应段落。",
    ),
    "empty_sources": ("Cited passages appear here.", "引用的段落将显示在这里。"),
    "you": ("Question", "问题"),
    "answer": ("Answer", "回答"),
    "abstained": ("No answer from the corpus", "语料中没有可回答此问题的证据"),
    "abstained_text": (
        "The corpus holds no passage that answers this question, so no answer is given. It covers:",
        "语料中没有能回答此问题的段落，因此不作回答。语料涵盖以下主题：",
    ),
    "followup_read": ("Follow-up read as", "追问理解为"),
    "patient_in_question": ("Rules check of the patient described in the question", "对问题中所述患者的规则评估"),
    "assumptions": ("Read and assumed", "识别与假设"),
    "turn_sources": ("Sources for question", "问题的出处"),
    "full_passage": ("Full passage", "完整段落"),
    "relevance": ("relevance", "相关度"),
    "rel_strong": ("strong", "强"),
    "rel_moderate": ("moderate", "中"),
    "rel_weak": ("weak", "弱"),
    "via": ("via", "二手来源"),
    "evidence_passages": ("Evidence passages", "证据段落"),
    "no_year": ("n.d.", "年份不详"),
    "link": ("link", "链接"),
    "src_note": ("Source note", "出处说明"),
    "ev_figures": ("Technical report: figures", "技术报告：图表"),
    "direct_answer": ("Answer", "回答"),
    "quotes_head": ("What the sources say", "出处原文"),
    "cmp_table": ("Comparison table", "对比表"),
    "cmp_caveat": (
        "Figures from different trials: a cross-trial comparison is not randomised evidence.",
        "数据来自不同试验：跨试验比较不是随机对照证据。",
    ),
    "missing_what": ("What the corpus lacks", "语料中缺少的内容"),
    "sure_high": ("Well supported:", "证据较充分："),
    "sure_medium": ("Supported, mainly by one passage:", "有证据支持，主要来自一个段落："),
    "sure_low": ("Thin support, a single passage:", "证据有限，仅来自一个段落："),
    "sure_note": (
        "read the quoted sources before acting. The bars beside the sources show how closely each matches the "
        "question compared with the best one; they do not grade the evidence.",
        "采取行动前请阅读引用的原文。出处旁的条形表示各段落与问题的匹配程度（相对于最匹配的段落），并非证据等级。",
    ),
    "user_added": ("Added by a user: not part of the reviewed corpus", "用户添加：不属于经审核的语料"),
    "user_added_quoted": ("Quotes a user-added passage:", "引用了用户添加的段落："),
    # patient tab
    "p_intro": (
        "Fill in what you know: an empty field is **unknown** and is never assumed normal; the report says which "
        "verdicts could change with what is not stated, and names the corpus passages behind every verdict.",
        "请填写已知信息：空白字段视为**未知**，不会被假定为正常；报告会说明哪些结论可能随未填写的信息而改变，"
        "并列出每项结论所依据的语料段落。",
    ),
    "p_basics": ("Patient and fitness", "患者与体能"),
    "p_drugs": ("Prior therapy", "既往治疗"),
    "p_organs": ("Organ function and comorbidity", "脏器功能与合并症"),
    "p_labs": ("Blood counts and infection", "血常规与感染"),
    "age": ("Age (years, 18-120)", "年龄（岁，18-120）"),
    "prior_lines": ("Prior lines of therapy (1-30)", "既往治疗线数（1-30）"),
    "ecog": ("ECOG performance status", "ECOG 体能状态"),
    "charlson": ("Charlson Comorbidity Index (0-40)", "Charlson 合并症指数（0-40）"),
    "adl": ("Katz ADL (0-6)", "Katz 日常生活能力 ADL（0-6）"),
    "iadl": ("Lawton IADL (0-8)", "Lawton 工具性日常生活能力 IADL（0-8）"),
    "lenalidomide": ("Lenalidomide (R)", "来那度胺 (R)"),
    "pomalidomide": ("Pomalidomide (P)", "泊马度胺 (P)"),
    "bortezomib": ("Bortezomib (V)", "硼替佐米 (V)"),
    "carfilzomib": ("Carfilzomib (K)", "卡非佐米 (K)"),
    "cd38_status": ("Anti-CD38 antibody history", "抗CD38单抗治疗史"),
    "cd38_agent": ("Last anti-CD38 agent", "最近使用的抗CD38单抗"),
    "cd38_months": ("Months since last anti-CD38 dose", "距末次抗CD38单抗给药（月）"),
    "cytogenetics": ("High-risk cytogenetics (FISH)", "高危细胞遗传学（FISH）"),
    "crcl": ("Creatinine clearance (mL/min, 0-250)", "肌酐清除率（mL/min，0-250）"),
    "nyha": ("Heart failure (NYHA class)", "心力衰竭（NYHA 分级）"),
    "lvef": ("LVEF (%, 5-90)", "左室射血分数 LVEF（%，5-90）"),
    "htn": ("Uncontrolled hypertension", "未控制的高血压"),
    "neuropathy": ("Peripheral neuropathy grade (CTCAE)", "周围神经病变分级（CTCAE）"),
    "anc": ("ANC (×10⁹/L)", "中性粒细胞绝对计数 ANC（×10⁹/L）"),
    "platelets": ("Platelets (×10⁹/L)", "血小板（×10⁹/L）"),
    "hbv": ("Hepatitis B serology", "乙肝血清学"),
    "igg": ("Serum IgG (mg/dL)", "血清 IgG（mg/dL）"),
    "infections": ("Recurrent or severe infections", "反复或严重感染"),
    "empty_unknown": ("empty = unknown", "留空 = 未知"),
    "check": ("Check patient", "评估"),
    "example_patient": ("Load example patient", "载入示例患者"),
    "reset": ("Clear form", "清空表单"),
    "upload": ("Load profile (JSON file)", "载入患者档案（JSON 文件）"),
    "profile_json": ("Profile as JSON (for cd38-guide check)", "JSON 格式档案（用于 cd38-guide check）"),
    "download_json": ("Download report (JSON)", "下载报告（JSON）"),
    "download_md": ("Download report (Markdown)", "下载报告（Markdown）"),
    "report_empty": ("The report appears here after Check patient.", "点击“评估”后在此显示报告。"),
    "fix_fields": ("Please correct the marked fields:", "请修正标出的字段："),
    "r_title": ("Eligibility report", "适用性报告"),
    "r_frailty": ("Frailty", "虚弱评估"),
    "r_category": ("Category", "分类"),
    "r_score": ("Score", "评分"),
    "r_method": ("Method", "方法"),
    "r_missing": ("Missing for a fuller score", "缺少的字段"),
    "r_simplified": ("simplified", "简化评分"),
    "r_depends": ("Could change with what is not stated", "可能随未填写的信息而改变"),
    "r_cd38": ("Anti-CD38 status", "抗CD38状态"),
    "r_status": ("Status", "状态"),
    "r_reasons": ("Reasons", "理由"),
    "r_evidence": ("Evidence", "证据"),
    "r_regimens": ("The six regimens", "六种方案"),
    "r_regimen": ("Regimen", "方案"),
    "r_verdict": ("Verdict", "结论"),
    "r_flags": ("Flags", "提示"),
    "r_no_flags": ("No flags.", "无提示。"),
    "r_ruleset": ("Ruleset", "规则版本"),
    "r_disclaimer": (
        "Decision support only: check each point against the cited sources before acting.",
        "仅供决策参考：采取行动前请逐条核对引用的出处。",
    ),
    "v_option": ("Option", "可选"),
    "v_caution": ("Caution", "慎用"),
    "v_avoid": ("Avoid", "避免"),
    "s_critical": ("Critical", "严重"),
    "s_warning": ("Warning", "警告"),
    "s_info": ("Information", "信息"),
    "st_candidate": ("Candidate for an anti-CD38 regimen", "可考虑抗CD38方案"),
    "st_rechallenge_feasible": ("Rechallenge feasible", "可考虑再次使用"),
    "st_rechallenge_too_early": ("Rechallenge too early", "再次使用为时过早"),
    "st_needs_last_dose_date": ("Needs the date of the last anti-CD38 dose", "需要末次抗CD38给药日期"),
    "unknown": ("unknown", "未知"),
    "fr_fit": ("fit", "体健 (fit)"),
    "fr_intermediate": ("intermediate", "中间 (intermediate)"),
    "fr_frail": ("frail", "虚弱 (frail)"),
    "fr_unknown": ("unknown", "未知"),
    # education tab
    "e_intro": (
        "A draft information sheet for a patient, built only from corpus passages, with its references. "
        "Read and adapt it before handing it out.",
        "根据语料段落生成的患者教育资料草稿（附参考文献）。发放前请审阅并修改。",
    ),
    "e_topic": ("Topic", "主题"),
    "e_regimen": ("Regimen (optional)", "方案（可选）"),
    "e_language": ("Language of the sheet", "资料语言"),
    "e_use_patient": ("Tailor to the patient of the Patient check tab", "根据“患者评估”中的患者调整"),
    "e_make": ("Make draft", "生成草稿"),
    "e_preview": ("Preview", "预览"),
    "e_download_md": ("Download (Markdown)", "下载（Markdown）"),
    "e_download_html": ("Download (HTML)", "下载（HTML）"),
    "e_missing": (
        "The patient-education module is not installed in this build.",
        "此版本未包含患者教育模块。",
    ),
    "e_empty": ("The draft appears here after Make draft.", "点击“生成草稿”后在此显示。"),
    "none": ("none", "无"),
    # evaluation tab
    "ev_intro": (
        "How well the assistant answers, measured on a fixed set of test questions before this version was released.",
        "本版本发布前，用一组固定的测试问题衡量助手的回答质量。",
    ),
    "ev_report": ("Technical report: retrieval and answer metrics", "技术报告：检索与回答指标"),
    "ev_bench": ("Technical report: speed and memory", "技术报告：速度与内存"),
    "ev_right": ("What it gets right", "做得好的地方"),
    "ev_wrong": ("Where it falls short", "不足之处"),
    "ev_how": ("How it was measured", "如何测量"),
    "ev_recall": ("Recall at k", "前 k 召回率"),
    "ev_latency": ("Latency by stage", "各阶段延迟"),
    "ev_reload": ("Reload reports", "重新载入报告"),
    "ev_missing": ("No report found at", "未找到报告："),
    "ev_missing_hint": ("Run `make eval` and `make bench` to create it.", "请运行 `make eval` 和 `make bench` 生成。"),
    # about tab
    "ab_statement_head": (
        "cd38-guide is decision support for clinicians, not a prescriber.",
        "cd38-guide 是供临床医生使用的决策支持工具，不是处方者。",
    ),
    "ab_statement_body": (
        "It quotes its sources and applies published criteria; the treating physician decides.",
        "它引用出处并应用已发表的标准，治疗决定由主治医生作出。",
    ),
    "ab_corpus": ("What the corpus contains", "语料内容"),
    "ab_documents": ("documents", "篇文献"),
    "ab_passages": ("passages", "个段落"),
    "ab_sources": ("distinct sources", "个不同出处"),
    "ab_not": ("What it does not contain", "语料不包含的内容"),
    "ab_not_text": (
        "The full text of the 2025 Pan-Pacific consensus (Chen W et al., Clin Hematol Int 2025;7(3):36-59) is not in "
        "the corpus: the consensus is known only through its published abstract, quoted in English and Chinese. "
        "Everything else is written in the project's own words from trial papers, labels, guidelines and reviews. "
        "Questions outside these documents get no answer rather than a guess.",
        "2025 年泛太平洋共识（Chen W 等，Clin Hematol Int 2025;7(3):36-59）的全文不在语料中："
        "仅收录其已发表的摘要（英文和中文）。"
        "其余内容均根据试验论文、说明书、指南和综述以本项目自己的语言撰写。超出这些文献范围的问题将不予回答，而不是猜测。",
    ),
    "ab_version": ("Version", "版本"),
    "ab_index": ("index", "索引"),
    "ab_model": ("model", "模型"),
    "ab_corpus_hash": ("corpus hash", "语料哈希"),
    "ab_doc_table": ("Documents", "文献列表"),
    "ab_kind": ("Kind", "类型"),
    "ab_year": ("Year", "年份"),
    "ab_title": ("Title", "标题"),
    "ab_ref": ("Reference", "参考文献"),
    "ab_n_passages": ("Passages", "段落数"),
}


def t(key: str, lang: str) -> str:
    """The label for ``key`` in ``lang`` (English when the language is not Chinese)."""
    en, zh = STRINGS[key]
    return zh if lang == "zh" else en
