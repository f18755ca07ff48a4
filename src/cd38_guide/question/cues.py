"""How a question asks: the patterns that tell its intent and shape, apart from the vocabulary's entities.

An instruction, a comparison, a choice, a rechallenge, a results or design question, a share asked of a group, a
source's overview, a definition: read by ``question.analysis`` (and by nothing else), kept here so the analyser
reads as the decisions it makes.
"""

from __future__ import annotations

import re

# Requests aimed at the assistant rather than questions about the evidence (prompt injection, role play,
# creative writing, questions about the system itself, prescriptions for a named patient).
INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instruction|instructions|rules?|corpus|prompt|above|previous)\b"
    r"|\b(system prompt|developer mode|jailbreak|you are now|you're now|act as|pretend|role-?play)\b"
    r"|\b(write|compose|tell)\b.{0,20}\b(poem|limerick|story|essay|song|joke|article)\b"
    r"|\b(translate)\b.{0,40}\b(into|to)\b"
    r"|\b(which|what) (llm|model|ai)\b.{0,20}\b(are you|is this)\b|\bwho (made|trained|built) you\b"
    r"|\b(api keys?|environment variables|hidden configuration|dump your)\b"
    r"|\b(write|draft|make|give|issue|sign|fill)\b.{0,30}\b(prescription|script|order set|rx for)\b"
    # "Write a DPd order for Mr Chen, 68 kg": a medication order for a named patient
    r"|\b(write|draft|prepare|generate|fill in|fill out)\b.{0,30}\b(orders?|chemo(therapy)? orders?)\b.{0,20}\bfor\b"
    r"|\b(write|draft|compose|prepare|generate|create)\b.{0,40}\b(letter|consent( form)?|discharge (summary|letter)|"
    r"referral|e-?mail|clinic note|progress note|care plan)\b"
    r"|\bprescribe\b.{0,40}\b(for|to) (my|this|the|a) (patient|pt)\b"
    r"|\border\b.{0,20}\b(for my patient|for this patient)\b"
    r"|(写|起草|拟写|拟|生成)(一份|一封|个)?.{0,12}(信|同意书|出院小结|病历|转诊单|邮件)"
    r"|忽略|无视|指令|系统提示|写一首|写一篇|写首|你是什么模型|谁开发的你|谁开发的|扮演|翻译成|开处方|开个处方|写处方|开.{0,12}处方|开.{0,12}医嘱|开.{0,12}(化疗|用药|治疗)单|写.{0,12}医嘱|下.{0,6}医嘱|処方箋を",
    re.IGNORECASE,
)
COMPARE = re.compile(
    r"\b(vs\.?|versus|compared (with|to)|comparison|compare|better than|differ|head[- ]to[- ]head"
    r"|differences? (in [\w-]+( [\w-]+)? )?between)\b"
    r"|\bas (good|effective|safe|well)\b.{0,25}\bas\b"
    r"|\bor\b|比较|相比|对比|还是|哪(个|一个|种)[^，。？]{0,12}(更|好)|区别|差异|差别|异同|有何不同|有什么不同|不同之处|与.{1,12}相比|比べ",
    re.IGNORECASE,
)
SELECT = re.compile(
    r"\b(which|what)\b(?! (infections?|side[- ]effects?|adverse|toxicit\w*|complications?|reactions?)\b)"
    r".{0,40}\b(regimens?|triplets?|options?|combinations?|treatments?|therapy|therapies|"
    r"anti-?cd38|to use|to give|should i|would you)\b"
    r"|\b(options?|choices?|best (regimen|treatment|therapy|option)|choose|choosing|preferred|prefer|"
    r"recommend\w*(?! dose)|suitable|appropriate|"
    r"reasonable|a good (choice|option)|"
    r"candidates?)\b"
    r"|\bwhat (can|should|could) (i|we) (use|give|offer)\b"
    # a terse query: "Anti-CD38 regimens with a one-prior-line subgroup result?", "dara-based triplets for frail pts?"
    r"|^\s*((anti-?cd38|dara|daratumumab|isa|isatuximab)([- ]based)? )?(regimens?|triplets?) (with|for|in|after)\b"
    r"|\bwhat (should|can|could) (a|an|the|this|my|our) .{0,40}\b(receive|get|be (given|offered|treated with))\b"
    r"|选择|选用|选哪|可以选|选什么|怎么选|如何选|可选|哪(种|个|些)[^，。？]{0,10}方案|用哪(种|个)|用什么[^，。？]{0,10}方案|推荐(?!剂量)|方案有哪些|适合"
    r"|選択",
    re.IGNORECASE,
)
# "What next?", "怎么办": a choice asked of a population ("DRd-refractory: what next?"); of a described patient,
# the patient case.
WHICH_REGIMEN = re.compile(
    r"\bwhich ((anti-?cd38|dara|daratumumab|isa|isatuximab)([- ]based)? )?(regimens?|triplets?|combinations?)\b"
    r"|哪(种|个|些)(抗CD38|达雷妥尤单抗|伊沙妥昔单抗)?(单抗)?(三联)?方案",
    re.I,
)
NEXT = re.compile(r"\bwhat next\b|\bnext (line|step|regimen|treatment|therapy)\b|怎么办|如何处理|下一步", re.IGNORECASE)
OPTIONS = re.compile(
    r"\b(options?|choices?|choose|regimens?|treat(ment)? options?)\b|怎么选|如何选|方案", re.IGNORECASE
)
RECHALLENGE = re.compile(
    r"re-?challeng|(?<![a-z])re-?treat|retreatment|re-?use|re-?expos|again with|second time|washout|wash-out"
    r"|再次(使用|治疗|挑战)|再治疗|重新使用|洗脱|再投与|再治療",
    re.IGNORECASE,
)
# A reaction to the drug as the reason it might not be given again.
AFTER_REACTION = re.compile(
    r"infusion[- ]related|infusion reactions?|\birrs?\b|anaphyla|输注反应|过敏反应", re.IGNORECASE
)
# How resistance arises, asked as such (not a choice for resistant disease).
RESISTANCE_ASKED = re.compile(
    r"\bmechanisms? (of|for|behind|underlying|of acquired) (resistance|escape|relapse|failure)\b"
    r"|\bresistance mechanisms?\b|\bwhy (do|does|did|would) .{0,60}\b(stop working|fail|become resistant|resist)"
    r"|\bhow (do|does) .{0,40}\bbecome resistant\b|耐药(的)?(机制|原因)|为什么.{0,12}耐药",
    re.IGNORECASE,
)
OUTCOME = re.compile(
    r"\bhow did\b.{0,60}\bdo\b"
    r"|\b(show|showed|shown|result|results|efficacy|effective|benefit|outcomes?|work|worked|how well|improv\w*|"
    r"perform|performed|performs|performance|"
    r"survival|response|respond|median|rate|achieve|findings?|data|primary endpoint|readout)\b"
    r"|疗效|结果|获益|效果|生存|缓解|有效|成績|効果",
    re.IGNORECASE,
)
# "What dose of X?", "how much X?": the amount is asked, even when the question also names a toxicity.
ASKS_DOSE_OF = re.compile(
    r"\b(what|which)( [\w-]+){0,3} dose\b|\bdose of\b|\bhow much\b|\bhow many mg\b|(什么|多少)剂量|剂量是多少"
    r"|\b(recommended|usual|standard|approved|starting|labell?ed)( [\w-]+){0,2} (dose|dosing)\b"
    r"|推荐剂量|多大(的)?剂量|多大量",
    re.I,
)
# "皮下注射和静脉注射的…": both routes joined by 和/与/或, a comparison of the two routes in Chinese.
ZH_ROUTE_PAIR = re.compile(r"(皮下|静脉)[^，。？；]{0,6}(和|与|跟|或|还是)[^，。？；]{0,3}(皮下|静脉)")
# A response rate asked in so many words: kept beside DOR or time to response ("ORR and DOR in ICARIA-MM?").
RATE_ASKED = re.compile(r"\borr\b|response rates?|overall response|缓解率|有效率", re.IGNORECASE)
# The term a definition question defines ("what is penta-refractory myeloma?" -> penta-refractory): a hyphenated
# term, else one word that is not a generic noun.
DEFINED = re.compile(
    r"\b(?:what (?:is|are|does)|define[sd]?|definition of|meaning of|what counts as|what is meant by)\s+"
    r"(?:an? |the |[\"'])?([a-z0-9]+(?:-[a-z0-9]+)+"
    r"|(?!myeloma|disease|patients?|refractory\b|definition|meaning|term\b|imwg|consensus|the\b|this\b|that\b|its\b)[a-z]{3,}\b)",
    re.IGNORECASE,
)
# "What does 'anti-CD38 refractory' mean?", "what is penta refractory": a refractory or exposed state named in
# words, read as its hyphenated term (DEFINED alone would take "anti-CD38" or "penta").
DEFINED_STATE = re.compile(
    r"\b(?:what (?:is|are|does)|define[sd]?|definition of|meaning of|what counts as|what is meant by)\s+"
    r"(?:an? |the |[\"'])?((?:(?!the\b|an?\b|imwg\b|consensus\b|myeloma\b|disease\b)[a-z0-9]+(?:-[a-z0-9]+)*[- ]){1,2}"
    r"(?:refractory|exposed))\b",
    re.IGNORECASE,
)
# "What topics does the Pan-Pacific consensus cover?", "its main message?", "泛太平洋共识的主要内容是什么？": what a
# named source covers or says overall, answered by its own scope and summary sentences.
OVERVIEW = re.compile(
    r"\b(main|key|core|central) (message|messages|points?|recommendations?|conclusions?|findings?|take-?aways?)\b"
    r"|\b(summar(y|ise|ize)|overview|scope|topics?|purpose|aim)\b"
    r"|\bwhat (does|do|did) .{0,40}\b(cover|say|conclude|find|show|report)\b"
    r"|\bwho is .{0,40}\bfor\b|主要内容|要点|主要观点|核心观点|总结|概述|涵盖|适用(于|人群)",
    re.IGNORECASE,
)

# A response category asked as such ("What is a very good partial response?", "什么是MRD阴性？") asks its
# definition, not a trial's rate; the term is named in English for the definition check.
ZH_RESPONSE_TERMS = {
    "MRD阴性": "MRD negativity",
    "微小残留病阴性": "minimal residual disease negativity",
    "完全缓解": "complete response",
    "严格意义的完全缓解": "stringent complete response",
    "非常好的部分缓解": "very good partial response",
    "部分缓解": "partial response",
}
RESPONSE_TERM = re.compile(
    r"^\s*what (?:is|are|does) (?:an? |the )?((?:very good |stringent )?(?:complete|partial) response"
    r"|minimal residual disease(?: negativity)?|mrd(?: negativity| negative)?|overall response|stable disease)"
    r"(?: mean)?\s*[?？]?\s*$"
    r"|^\s*什么(?:是|叫)(MRD阴性|微小残留病阴性|严格意义的完全缓解|完全缓解|非常好的部分缓解|部分缓解)[？?]?\s*$"
    # "IMWG疗效标准中VGPR（非常好的部分缓解）的定义是什么？", "IMWG definition of a very good partial response?"
    r"|(VGPR|MRD阴性|微小残留病阴性|严格意义的完全缓解|完全缓解|非常好的部分缓解|部分缓解)(?:（[^）]*）|\([^)]*\))?的定义"
    r"|\bdefinition of (?:an? |the )?(very good partial response|complete response|partial response|vgpr"
    r"|mrd negativity|minimal residual disease negativity)\b",
    re.IGNORECASE,
)

# "How many pts per arm?", "sample size", "who was enrolled": the design sentence is the answer, not the result.
DESIGN_QUESTION = re.compile(
    r"\bhow many (pts|patients|people|participants|subjects)\b(?![^?.]{0,60}\b(had|got|developed|experienced|"
    r"reached|achieved|responded|died|stopped|discontinued|alive|remained|needed|progressed|relapsed|received|"
    r"underwent|went on|were treated|switched)\b)"
    r"|\bsample size\b|\bhow (big|large) was\b"
    r"|\b(per|each|by) arm\b|\bwho (was|were) (enrolled|eligible|included)\b|\benrol(l?ed|ment)\b"
    r"|\bbefore (trial |study )?entry\b|\bentry criteri|\b(in|ex)clusion criteri|\bwere .{0,30}\bexcluded\b"
    r"|\b(comparator|control) arms?\b|\bwhat (were|are|was) the arms\b|对照组"
    r"|纳入了?多少|多少(例|名)(患者|病人|受试者)"
    r"|\bwhat (does|did|is) (the )?[\w-]+( trial| study)? (test|compare|study|evaluate)(s|d|ed|ing)?\b"
    r"|多少(例|名)(患者|病人)?(入组|参加|随机)|入组了?多少|样本量",
    re.IGNORECASE,
)
# "What share of ICARIA-MM patients had 1q21 gain?": with a group named and no endpoint, a baseline share (design).
SHARE_QUESTION = re.compile(
    r"\b(what|which) (proportion|percentage|share|fraction|percent) of\b|\bhow many (pts|patients)\b"
    r"|(比例|占比|百分比)是?多少|多少(比例|患者)",
    re.IGNORECASE,
)
# ... not a share of patients reaching a result ("12个月时还没有进展的患者比例").
RESULT_WORDS = re.compile(
    r"progress|respon|surviv|alive|died|death|relaps|remission|进展|缓解|生存|死亡|复发|有效", re.IGNORECASE
)
# The sentence that asks, in a question that first describes a case ("55F, len-refractory. Did CANDOR's benefit
# differ by age?"), and the case's own age in it, which says who is asked about, not a subgroup asked for.
ASKING_SENTENCE = re.compile(r"[^.?!。？！;；]*[?？]")
# An MRD level named ("10^-5", "10-6"): the depth a rate is measured at.
MRD_LEVEL = re.compile(r"10\s*\^?\s*[-−–]\s*([4-7])(?!\d)")
# Where a case note gives way to its question: "79F, 2 prior lines - how did the 75+ subgroup do?".
CASE_BREAK = re.compile(r"\s[-–—]\s|:\s|：")
ZH_CASE_BREAK = re.compile(r"[，,]")
"""... and in a Chinese note, its comma-separated details ("74岁，既往2线，IKEMA中70岁及以上亚组的PFS HR？")."""
CASE_AGE = re.compile(
    r"\b\d{2,3} ?(?-i:[MF])\b|\b\d{2,3}[- ]?(years?|yrs?|y)[- ]?(old|o\b)|\b\d{2,3} ?(yo|y/o)\b"
    r"|\d{2,3} ?(岁|歳)(?!以上|及以上|或以上)",
    re.IGNORECASE,
)
_NOT_A_THRESHOLD = r"(?<![≥>=])(?<![≥>=] )(?<!over )(?<!above )(?<!aged )(?<!under )(?<!below )"
# A described patient: an age, "my patient", a progression history; not a bare age threshold ("over 75", "70岁以上").
PATIENT = re.compile(
    # "a 75-year-old", not a threshold: ">=75 year-old patients", "over 75 yo"
    rf"{_NOT_A_THRESHOLD}\b\d{{2,3}}(\.\d)?[- ]?(year|yr|y)[- ]?o(ld)?\b|{_NOT_A_THRESHOLD}\b\d{{2,3}} ?(yo|y/o)\b"
    r"|\b(my|this|our) (patient|pt|man|woman|lady|gentleman)\b"
    # "75F, CrCl 25", "74M s/p ASCT", "68 y/o F": age and sex, the way a case is written in a note
    r"|(?<![\w.-])(1[89]|[2-9]\d|1[01]\d) ?(?-i:[MF])(?![\w-])(?!\s*(pfs|os\b|efs|dor|rate|follow|landmark|surviv|mrd))"
    r"|\b\d{2,3}[- ]?(year|yr|y)[- ]?o(ld)? (?-i:[MF])\b"
    r"|\bpatient (who|with|whose|that)\b"
    r"|\b(progressed|relapsed|refractory) (on|after|during)\b.{0,60}\b(ago|months?|weeks?)\b"
    r"|\d{2,3}\s*岁(?!\s*(以上|及以上|或以上|以下|及以下|或以下))|患者.{0,20}(\d\s*岁|难治|复发)|\d{2,3}\s*歳(?!以上)",
    re.IGNORECASE,
)
