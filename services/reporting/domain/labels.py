"""Words of the reports in English and Turkish."""
from __future__ import annotations

VALUES = {
    # organisation kinds
    "chamber": ("Chamber", "Oda"),
    "commodity_exchange": ("Commodity exchange", "Ticaret borsası"),
    "public_body": ("Public body", "Kamu kurumu"),
    "development_agency": ("Development agency", "Kalkınma ajansı"),
    "university": ("University", "Üniversite"),
    "industrial_zone": ("Industrial zone", "Organize sanayi bölgesi"),
    "company": ("Company", "Şirket"),
    "ngo": ("NGO", "Sivil toplum kuruluşu"),
    # meeting kinds
    "board_meeting": ("Board meeting", "Yönetim Kurulu toplantısı"),
    "advisory_board_meeting": ("Advisory Board meeting", "Danışma Kurulu toplantısı"),
    "working_group_meeting": ("Working group meeting", "Çalışma grubu toplantısı"),
    "workshop": ("Workshop", "Çalıştay"),
    "training": ("Training", "Eğitim"),
    "site_visit": ("Site visit", "Saha ziyareti"),
    "matchmaking": ("Matchmaking", "Eşleştirme etkinliği"),
    "conference": ("Conference", "Konferans"),
    # bodies
    "board": ("Board", "Yönetim Kurulu"),
    "advisory_board": ("Advisory Board", "Danışma Kurulu"),
    # themes
    "resource_efficiency": ("Resource efficiency", "Kaynak verimliliği"),
    "energy_efficiency": ("Energy efficiency", "Enerji verimliliği"),
    "industrial_symbiosis": ("Industrial symbiosis", "Endüstriyel simbiyoz"),
    "eco_efficiency": ("Eco-efficiency", "Eko-verimlilik"),
    "green_transition": ("Green transition", "Yeşil dönüşüm"),
    "waste_management": ("Waste management", "Atık yönetimi"),
    "renewable_energy": ("Renewable energy", "Yenilenebilir enerji"),
    "digitalisation": ("Digitalisation", "Dijitalleşme"),
    "unspecified": ("Unspecified", "Belirtilmemiş"),
    # genders
    "female": ("Women", "Kadın"),
    "male": ("Men", "Erkek"),
    "other": ("Other", "Diğer"),
    "undisclosed": ("Undisclosed", "Belirtilmemiş"),
    # size classes
    "micro": ("Micro", "Mikro"),
    "small": ("Small", "Küçük"),
    "medium": ("Medium", "Orta"),
    "large": ("Large", "Büyük"),
    "none": ("No size class", "Ölçek yok"),
    "unknown": ("Unknown", "Bilinmiyor"),
    # budget lines
    "human_resources": ("Human resources", "İnsan kaynakları"),
    "travel": ("Travel", "Seyahat"),
    "equipment": ("Equipment", "Ekipman"),
    "services": ("Services", "Hizmetler"),
    "visibility": ("Visibility", "Görünürlük"),
    # report kinds and statuses
    "interim": ("Interim report", "Ara rapor"),
    "final": ("Final report", "Nihai rapor"),
    "draft": ("Draft", "Taslak"),
    "submitted": ("Submitted", "Sunuldu"),
}

DIMENSIONS = {
    "kind": ("Kind", "Tür"),
    "province": ("Province", "İl"),
    "body": ("Body", "Kurul"),
    "body_with_quorum": ("With quorum, by body", "Nisaplı, kurula göre"),
    "theme": ("Theme", "Tema"),
    "gender": ("Gender", "Cinsiyet"),
    "organisation_kind": ("Organisation kind", "Kuruluş türü"),
    "size_class": ("Size class", "Ölçek"),
    "budget_line": ("Budget line", "Bütçe kalemi"),
}

TEXT = {
    "report_title": ("Period report", "Dönem raporu"),
    "programme": ("Programme", "Program"),
    "beneficiary": ("Beneficiary", "Yararlanıcı"),
    "period": ("Period", "Dönem"),
    "kind": ("Report kind", "Rapor türü"),
    "status": ("Status", "Durum"),
    "computed_at": ("Figures as of", "Verilerin tarihi"),
    "submitted_at": ("Submitted", "Sunulma tarihi"),
    "sha256": ("SHA-256 of the content", "İçeriğin SHA-256 özeti"),
    "cumulative_from": ("Cumulative since", "Kümülatif başlangıç"),
    "indicators": ("Indicators", "Göstergeler"),
    "code": ("Code", "Kod"),
    "indicator": ("Indicator", "Gösterge"),
    "value": ("Period", "Dönem"),
    "cumulative": ("Cumulative", "Kümülatif"),
    "target": ("Target", "Hedef"),
    "percent": ("% of target", "Hedefe göre %"),
    "breakdowns": ("Breakdowns", "Kırılımlar"),
    "chart_progress": ("Progress towards targets (cumulative, % of target)",
                       "Hedeflere ilerleme (kümülatif, hedefin %'si)"),
    "chart_value_target": ("Cumulative value and target", "Kümülatif değer ve hedef"),
    "meetings": ("Meetings held in the period", "Dönemde yapılan toplantılar"),
    "date": ("Date", "Tarih"),
    "meeting": ("Meeting", "Toplantı"),
    "host": ("Host", "Ev sahibi"),
    "province": ("Province", "İl"),
    "meeting_kind": ("Kind", "Tür"),
    "attendance": ("Attendance", "Katılım"),
    "organisations": ("Organisations", "Kuruluşlar"),
    "smes": ("SMEs", "KOBİ"),
    "quorum": ("Quorum", "Nisap"),
    "quorum_met": ("met", "sağlandı"),
    "quorum_not_met": ("not met", "sağlanamadı"),
    "no_meetings": ("No meeting was held in this period.", "Bu dönemde toplantı yapılmadı."),
    "financial": ("Financial summary", "Mali özet"),
    "budget_line": ("Budget line", "Bütçe kalemi"),
    "amount_eur": ("Amount (EUR)", "Tutar (EUR)"),
    "eu_share": ("EU contribution", "AB katkısı"),
    "national_share": ("National co-financing", "Ulusal eş finansman"),
    "total": ("Total", "Toplam"),
    "expenditures": ("Expenditures of the period", "Dönemin harcamaları"),
    "description": ("Description", "Açıklama"),
    "amount": ("Amount", "Tutar"),
    "currency": ("Currency", "Para birimi"),
    "rate": ("TRY per EUR", "EUR kuru (TL)"),
    "no_expenditure": ("No expenditure was recorded in this period.", "Bu dönemde harcama kaydedilmedi."),
    "funding_statement": ("EU funding statement", "AB finansman beyanı"),
    "page": ("Page", "Sayfa"),
    "draft_watermark": ("DRAFT", "TASLAK"),
    "of_period": ("of the period", "dönem"),
    "cumulative_short": ("cumulative", "kümülatif"),
    "summary": ("Summary", "Özet"),
    "share_of_total": ("Share", "Pay"),
    "none": ("—", "—"),
    "breakdown": ("Breakdown", "Kırılım"),
    "category": ("Category", "Kategori"),
    "platform": ("Thrace Productivity Platform", "Trakya Verimlilik Platformu"),
    "no_targets": ("No indicator has a target yet.", "Henüz hedefi olan gösterge yok."),
    "period_is_cumulative": ("Period = cumulative (the same figures)", "Dönem = kümülatif (aynı değerler)"),
}

FUNDING_STATEMENT = {
    "en": ("This publication was produced with the financial support of the European Union and the Republic of "
           "Türkiye. Its contents are the sole responsibility of the Thrace Productivity Platform and do not "
           "necessarily reflect the views of the European Union or the Republic of Türkiye."),
    "tr": ("Bu yayın Avrupa Birliği ve Türkiye Cumhuriyeti'nin mali desteği ile hazırlanmıştır. İçeriğinden "
           "yalnızca Trakya Verimlilik Platformu sorumludur ve Avrupa Birliği ile Türkiye Cumhuriyeti'nin "
           "görüşlerini yansıtmak zorunda değildir."),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    en, tr = pair
    if lang == "en":
        return en
    if lang == "tr":
        return tr
    return tr if tr == en else f"{tr} / {en}"


def text(key: str, lang: str) -> str:
    return _pick(TEXT[key], lang)


def value(key, lang: str) -> str:
    key = "unknown" if key in (None, "") else str(key)
    pair = VALUES.get(key)
    return _pick(pair, lang) if pair else key


def dimension(key: str, lang: str) -> str:
    pair = DIMENSIONS.get(key)
    return _pick(pair, lang) if pair else key


def indicator_name(indicator: dict, lang: str) -> str:
    return _pick((indicator["name"], indicator["name_tr"]), lang)


def ordinal_en(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def numbered_title(meeting: dict, lang: str) -> str:
    """'4th Advisory Board Meeting' / '4. Danışma Kurulu Toplantısı' for numbered governance meetings."""
    sequence, body = meeting.get("sequence"), meeting.get("body")
    if not sequence or not body:
        return meeting.get("title") or ""
    en_body, tr_body = VALUES.get(body, (body.replace("_", " ").title(), body))
    pair = (f"{ordinal_en(sequence)} {en_body} Meeting", f"{sequence}. {tr_body} Toplantısı")
    return _pick(pair, lang)
