"""Turkish complaint rules (regexes over Turkish lower case folded to ASCII) and their anchors.

Each rule is ``(category, regex)``; ``TR_ANCHORS[i]`` lists substrings of which one must occur in the
text for rule ``i`` to run (Turkish words carry suffixes, so anchors are stems, not tokens; keep both
lists in the same order and length). See nlp/complaints.py for the categories and how matches are scored.
"""
# ruff: noqa: E501  (rule tables: one rule per line reads better than wrapped regex fragments)

from __future__ import annotations

# fmt: off
TR_RULES: list[tuple[str, str]] = [
    ("waiting", r"\b(?:hala|halen|henuz)\b[^.!?]{0,40}?\b\w+(?:m[ae]di|m[ae]mis|m[iu]yor|yok)\w*"),
    ("waiting", r"\b(?:\d+\s*)?(?:gun|hafta|ay|saat)\w*(?:dir|dur|tir|tur)\b[^.!?]{0,50}?(?:bekl|gelm|donm|cevap|ulas|cozul|yok|yapilm|edilm)"),
    ("waiting", r"\bbeklet\w*"),
    ("waiting", r"\bbekle(?:mekten|mekteyim|yip duruyorum)\b"),
    ("delivery", r"\b(?:siparis|kargo|paket|urun|teslimat|kurye|yemek|valiz|bavul|kart|cihaz|ekipman|modem)\w*\s+(?:\w+\s+){0,3}?(?:gelmedi|gelmiyor|gelmemis|ulasmadi|ulasmamis|teslim edilmedi|teslim edilmemis|verilmedi|gonderilmedi|gonderilmemis|cikmadi|hasarli|eksik|yanlis|gecikti|gecik)\w*"),
    ("delivery", r"\bteslim edil(?:di|mis) (?:gorunuyor|yaziyor|gozukuyor)"),
    ("delivery", r"\b(?:gelmedi|ulasmadi|gelmemis)\b"),
    ("delivery", r"\brotar\w*|\b(?:ucus|sefer|tren|otobus)\w*\s+(?:\w+\s+)?(?:gecik|ertelen)\w*"),
    ("billing", r"\b(?:iki|2|uc|3)\s*(?:kez|kere|defa)\s+(?:\w+\s+){0,2}?(?:cekil|odeme|ucret|tahsil|kesil)\w*"),
    ("billing", r"\b(?:cift|fazladan|haksiz|habersiz|izinsiz)\s+(?:\w+\s+)?(?:cekim|ucret|tahsil|odeme|kesinti|fatura)\w*"),
    ("billing", r"\b(?:para|ucret|odeme|iade)\w*\s+(?:\w+\s+){0,2}?(?:yapilmadi|yapilmiyor|edilmedi|edilmiyor|gelmedi|yatmadi|yatirilmadi|verilmedi|alamadim|alamiyorum|reddedildi|kabul edilmedi)\w*"),
    ("billing", r"\biade\w*\s+(?:\w+\s+)?(?:yok|almiyor|alinmiyor|yapmiyor|etmiyor|etmediler|yapmadilar)\w*"),
    ("billing", r"\bfatura\w*\s+(?:\w+\s+)?(?:fazla|hatali|yanlis|sisirilmis|kabar)\w*"),
    ("billing", r"\biptal (?:edemiyorum|edemedim|edilmiyor|etmiyorlar|ettirilmiyor)\b"),
    ("no_response", r"\bkimse\w*\s+(?:\w+\s+){0,2}?(?:donmuyor|donmedi|donus|aramadi|aramiyor|cevap|yanit|ilgilenm|yardimci olm|acmiyor|umursam|muhatap)\w*"),
    ("no_response", r"\b(?:donus|cevap|yanit|bilgilendirme|yardim|cozum|muhatap|ilgilenen|umursayan)\w*\s+(?:\w+\s+)?(?:yok|alamadim|alamiyorum|alamadik|verilmedi|verilmiyor|yapilmadi|yapilmiyor|gelmedi|vermiyor|vermediniz|vermedi|yapmiyor|yapmadi|bulamadim|bulamiyorum|uretilmedi)\b"),
    ("no_response", r"\btelefon\w*\s+(?:\w+\s+)?(?:acilmiyor|acmiyor|acmadi|acilmadi|acmiyorlar)\b"),
    ("no_response", r"\b(?:donmediniz|donmuyorsunuz|aramadiniz|cevap vermiyorsunuz|ilgilenmiyorsunuz)\b"),
    ("repeated_contact", r"\b(?:\d+|iki|uc|dort|bes|kac|onlarca|bircok)\s*(?:kez|kere|defa|sefer)\s+(?:\w+\s+)?(?:aradim|yazdim|mail|sikayet|basvur|ulas|arad|yaz|gittim)\w*"),
    ("repeated_contact", r"\b(?:defalarca|tekrar tekrar|surekli|her gun)\s+(?:\w+\s+)?(?:aradim|aradik|yazdim|sikayet|ulas|mail|basvur|ariyorum|yaziyorum)\w*"),
    ("repeated_contact", r"\b(?:aradim aradim|yazdim yazdim|aktarildim|aktarip duruyor|beklemeye al)\w*"),
    ("repeated_contact", r"\b(?:ayni|standart|hazir|kopyala yapistir|otomatik)\s+(?:cevap|yanit|mesaj)\w*"),
    ("outage", r"\b(?:uygulama|site|sistem|internet|hat|sebeke|baglanti|sunucu|mobil|app|atm|fiber|modem|tv|kanal|elektrik|sular|server)\w*\s+(?:\w+\s+){0,2}?(?:calismiyor|calismadi|acilmiyor|acilmadi|cokuyor|coktu|kesildi|kesik|yok|gitti|donuyor|dondu|hata|cekmiyor|baglanmiyor)\w*"),
    ("outage", r"\b(?:calismiyor|acilmiyor|baglanamiyorum|giris yapamiyorum|giris yapamadim|odeme yapamiyorum|odeme yapamadim|cekmiyor|sifirlayamiyorum|kesinti|ariza|arizali|arizasi)(?!s[iu]z)\w*"),
    ("inability", r"\b(?!(?:yasa|ol|kal|gor|bul|cik|karsilas|rastla|anla)m)\w{2,}(?:amiyorum|emiyorum|amadim|emedim|amiyoruz|emiyoruz)\b"),
    ("lost_item", r"\b(?:kayboldu|kaybolmus|kaybettiniz|kaybettiler|kaybedilmis|calindi|kayip)\w*"),
    ("broken_promise", r"\b(?:soz verildi|soz verdiniz|soz vermistiniz|denildi|dendi|denmisti|soylendi|soylenmisti)\b"),
    ("broken_promise", r"\b\w+(?:ecekti|acakti|ecektiniz|acaktiniz|ecektim|acaktim)\b"),
    ("waiting", r"\b(?:\d+|iki|uc|dort|bes|on|kac)\s*(?:dakika|saat|gun|hafta|ay)\w*\s+(?:sonra|gec|rotar|bekle)\w*"),
    ("waiting", r"\b(?:\d+|iki|uc|dort|bes|on|kac)\s*(?:saat|gun|hafta|ay)(?:dir|dur|tir|tur)\b"),
    ("defect", r"\b(?:ilk|bir|\d+|iki|uc)\s+(?:gun|hafta|ay|kullanim|yikama|giyis)\w*\s+(?:\w+\s+)?(?:koptu|bozuldu|ayrildi|cekti|soldu|yirtildi|kirildi|sokuldu|patladi|dagildi|calismaz|cizildi|kopt|boz|yirt)\w*"),
    ("delivery", r"\bbaska\w*\s+(?:\w+\s+)?(?:teslim|satil|gonder|veril|siparis|sehre|adrese)\w*"),
    ("delivery", r"\b(?:kullanilmis|acilmis|ikinci el)\s+(?:bir\s+)?(?:urun|paket|cihaz|kutu)\w*"),
    ("delivery", r"\b\w+(?:mis|mus)\s+(?:bir\s+)?(?:halde|sekilde|olarak)\s+geldi\w*"),
    ("cancellation", r"\b(?:ucus|rezervasyon|siparis|randevu|bilet)\w*\s+(?:\w+\s+)?iptal (?:edildi|olmus|oldu|ettiler)\b"),
]

# anchors (ASCII-folded substrings), one tuple per rule above
TR_ANCHORS: list[tuple[str, ...]] = [
    ("hala", "halen", "henuz"),
    ("dir", "dur", "tir", "tur"),
    ("beklet",),
    ("bekle",),
    ("siparis", "kargo", "paket", "urun", "teslimat", "kurye", "yemek", "valiz", "bavul", "kart", "cihaz", "ekipman", "modem"),
    ("teslim edil",),
    ("gelmedi", "ulasmadi", "gelmemis"),
    ("rotar", "gecik", "ertelen"),
    ("kez", "kere", "defa"),
    ("cift", "fazladan", "haksiz", "habersiz", "izinsiz"),
    ("para", "ucret", "odeme", "iade"),
    ("iade",),
    ("fatura",),
    ("iptal",),
    ("kimse",),
    ("donus", "cevap", "yanit", "bilgilendirme", "yardim", "cozum", "muhatap", "ilgilenen", "umursayan"),
    ("telefon",),
    ("donmediniz", "donmuyorsunuz", "aramadiniz", "vermiyorsunuz", "ilgilenmiyorsunuz"),
    ("kez", "kere", "defa", "sefer"),
    ("defalarca", "tekrar tekrar", "surekli", "her gun"),
    ("aradim aradim", "yazdim yazdim", "aktar", "beklemeye al"),
    ("cevap", "yanit", "mesaj"),
    ("calism", "acilm", "cok", "kesil", "kesik", "yok", "gitti", "donuyor", "dondu", "hata", "cekmiyor", "baglanmiyor"),
    ("calismiyor", "acilmiyor", "baglanamiyorum", "giris yapama", "odeme yapama", "cekmiyor", "sifirlayamiyorum", "kesinti", "ariza"),
    ("amiyor", "emiyor", "amadi", "emedi"),
    ("kayb", "calindi", "kayip"),
    ("soz ver", "denildi", "dendi", "denmisti", "soylen"),
    ("ecekti", "acakti", "ecektim", "acaktim"),
    ("sonra", "gec", "rotar", "bekle"),
    ("dir", "dur", "tir", "tur"),
    ("kopt", "boz", "ayrildi", "cekti", "soldu", "yirt", "kirildi", "sokuldu", "patladi", "dagildi", "calismaz", "cizildi"),
    ("baska",),
    ("kullanilmis", "acilmis", "ikinci el"),
    ("halde geldi", "sekilde geldi", "olarak geldi"),
    ("iptal",),
]
# fmt: on
