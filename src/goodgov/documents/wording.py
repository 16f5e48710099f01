"""The fixed wording of issued documents, Thai and English side by side.

An issued document is a legal text printed in both languages whatever language the
officer's screen is in, so its wording is kept here as ``{th, en}`` pairs (like the
texts of a service definition) rather than in the interface's translation catalogue,
where a missing translation would silently print English on a Thai order.
"""

from __future__ import annotations

WORDING: dict[str, dict[str, str]] = {
    "code": {"th": "รหัสตรวจสอบเอกสาร", "en": "Verification code"},
    "reference": {"th": "เลขที่คำขอ", "en": "Application reference"},
    "issued": {"th": "วันที่ออกเอกสาร", "en": "Date of issue"},
    "holder": {"th": "ผู้ได้รับเอกสาร", "en": "Issued to"},
    "service": {"th": "เรื่อง", "en": "Subject"},
    "granted": {
        "th": "หน่วยงานได้พิจารณาคำขอของท่านแล้ว และอนุญาตตามคำขอ",
        "en": "The agency has considered your application and grants it.",
    },
    "conditions": {"th": "เงื่อนไข", "en": "Conditions"},
    "refused": {
        "th": "หน่วยงานได้พิจารณาคำขอของท่านแล้ว และมีคำสั่งไม่อนุญาตตามคำขอ ด้วยเหตุผลดังต่อไปนี้",
        "en": "The agency has considered your application and refuses it, for the following reasons.",
    },
    "reasons": {"th": "เหตุผล", "en": "Reasons"},
    "legal_ground": {"th": "ข้อกฎหมายที่อ้างอิง", "en": "Legal ground"},
    "appeal_heading": {"th": "สิทธิอุทธรณ์", "en": "How to appeal"},
    "appeal": {
        "th": (
            "หากท่านไม่เห็นด้วยกับคำสั่งนี้ ท่านมีสิทธิอุทธรณ์โดยยื่นอุทธรณ์เป็นหนังสือต่อเจ้าหน้าที่ผู้ทำคำสั่ง "
            "ภายในสิบห้าวันนับแต่วันที่ได้รับแจ้งคำสั่ง ตามมาตรา 44 แห่งพระราชบัญญัติวิธีปฏิบัติราชการทางปกครอง "
            "พ.ศ. 2539 เว้นแต่กฎหมายเฉพาะจะกำหนดขั้นตอนอุทธรณ์ไว้เป็นอย่างอื่น"
        ),
        "en": (
            "If you disagree with this decision, you may appeal in writing to the official who "
            "made it within fifteen days of being notified, under section 44 of the "
            "Administrative Procedure Act B.E. 2539 (1996), unless a specific law provides "
            "another appeal procedure."
        ),
    },
    "legal_basis": {"th": "อาศัยอำนาจตาม", "en": "Legal basis"},
    "signed": {
        "th": "เอกสารนี้ลงลายมือชื่ออิเล็กทรอนิกส์โดยหน่วยงานผู้ออกเอกสาร",
        "en": "This document carries the issuing agency's electronic signature.",
    },
    "check": {
        "th": "ตรวจสอบความถูกต้องและสถานะของเอกสารได้ที่",
        "en": "Check that it is genuine and still valid at",
    },
}

APPEAL = WORDING["appeal"]
