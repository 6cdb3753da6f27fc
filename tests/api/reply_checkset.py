"""The team's own check set of customer mentions (English and Turkish), written for this test: the
kinds issue 15 lists. Each names the *case* its top suggestion must be (the template's name without
language and channel) and the team it must be escalated to, if any. Not the held-out set."""

from __future__ import annotations

# (text, language, extra ingest fields, expected case of the top public suggestion, escalation team)
CHECKSET: list[tuple[str, str, dict, str, str | None]] = [
    # late deliveries
    ("My Acme order was due on Monday and it still hasn't arrived. Tracking hasn't moved in 5 days.",
     "en", {}, "delivery-complaint", None),
    ("Acme siparişim 10 gündür kargoda, takip numarası hiç güncellenmiyor. Artık bıktım.",
     "tr", {}, "delivery-complaint", None),
    # double charges
    ("Acme charged me twice for the same order, $49.99 two times on my card. I want a refund.",
     "en", {}, "billing-refund-complaint", None),
    ("Acme kartımdan aynı sipariş için iki kez çekim yaptı, iadesini istiyorum.",
     "tr", {}, "billing-refund-complaint", None),
    # praise
    ("Ordered from Acme on Monday, arrived Tuesday morning. Super fast delivery, thank you!",
     "en", {}, "delivery-praise", None),
    ("Acme müşteri hizmetleri çok ilgiliydi, sorunumu 5 dakikada çözdüler. Teşekkürler!",
     "tr", {}, "customer-service-praise", None),
    ("Siparişim bir günde teslim oldu, çok teşekkürler Acme!",
     "tr", {}, "delivery-praise", None),  # "oldu" (it happened) is not the crisis term "öldü" (died)
    # star reviews
    ("App logs me out every time I open it. Uninstalled.",
     "en", {"kind": "review", "rating": 1, "platform": "appstore"}, "review-1-star", None),
    ("Uygulama her açılışta donuyor, para yatıramıyorum. Sildim.",
     "tr", {"kind": "review", "rating": 1, "platform": "appstore"}, "review-1-star", None),
    ("Works most of the time but syncing is slow and support takes days to answer.",
     "en", {"kind": "review", "rating": 2, "platform": "appstore"}, "review-2-star", None),
    ("It's okay. Does the job, nothing special, a bit pricey.",
     "en", {"kind": "review", "rating": 3, "platform": "appstore"}, "review-3-star", None),
    ("Fena değil ama bazı özellikler eksik, arayüz biraz karışık.",
     "tr", {"kind": "review", "rating": 3, "platform": "appstore"}, "review-3-star", None),
    ("Love it, works perfectly and the new design is beautiful.",
     "en", {"kind": "review", "rating": 5, "platform": "appstore"}, "review-5-star", None),
    ("Harika bir uygulama, her şey çok hızlı ve kolay. Kesinlikle tavsiye ederim.",
     "tr", {"kind": "review", "rating": 5, "platform": "appstore"}, "review-5-star", None),
    # outages: consumers and business customers
    ("The Acme app keeps crashing when I open my basket, can't order anything.",
     "en", {}, "app-bug-outage-complaint", None),
    ("Acme's API has been returning 503 for the last hour, our checkout is down",
     "en", {}, "business-outage", None),
    ("Acme API'niz yarım saattir 500 hatası veriyor, mağazamızda ödeme alamıyoruz. "
     "Durum sayfanız da güncellenmiyor.",
     "tr", {}, "business-outage", None),
    # pricing
    ("Acme raised the price of Prime again, this is way too expensive now.",
     "en", {}, "price-complaint", None),
    ("Acme yine zam yapmış, bu fiyatlar gerçekten çok pahalı.",
     "tr", {}, "price-complaint", None),
    # account access
    ("can't log into my Acme account since the update, password reset email never arrives",
     "en", {}, "account-login-complaint", None),
    ("Acme hesabıma giriş yapamıyorum, şifre sıfırlama maili gelmiyor.",
     "tr", {}, "account-login-complaint", None),
    # sarcasm
    ("Great job Acme, my parcel is late AGAIN. Third time this month 🙄",
     "en", {}, "we-hear-you", None),
    ("Teşekkürler Acme (!) Siparişim yine gelmedi, harikasınız gerçekten.",
     "tr", {}, "we-hear-you", None),
    # legal threats
    ("Acme refuses my refund for 2 months. My lawyer is preparing a lawsuit.",
     "en", {}, "legal-complaint", "legal"),
    ("Acme'ye karşı tüketici hakem heyetine başvurdum, avukatımla dava açacağım.",
     "tr", {}, "legal-complaint", "legal"),
    # data leaks and safety
    ("Acme had a data breach, my email and address were leaked on a forum. Great to know.",
     "en", {}, "crisis-data-leak", "security"),
    ("Acme veri sızıntısı yaşamış, kişisel bilgilerim internette dolaşıyor.",
     "tr", {}, "crisis-data-leak", "security"),
    ("My Acme charger caught fire overnight, this is a serious safety hazard.",
     "en", {}, "crisis-safety", "safety"),
    ("Acme ısıtıcısı yüzünden köpeğimiz öldü, ürün alev aldı!",
     "tr", {}, "crisis-holding", "pr"),
]  # fmt: skip
