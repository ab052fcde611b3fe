"""Narrative and approval, the report package (ZIP + manifest.json) and revisions with their hash chain,
against the real embedded MongoDB (GridFS) through the reporting app."""
from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pypdfium2 as pdfium
import pytest
from gridfs import GridFSBucket
from openpyxl import load_workbook

from ...support.evidence_files import JPEG, PDF, form

pytestmark = pytest.mark.integration

OFFICER = "programme_officer"
NARRATIVE = {
    "summary": {"tr": "Çeyrekte üç atölye düzenlendi.", "en": "Three workshops were held in the quarter."},
    "activities": {"tr": "Kaynak verimliliği atölyesi, Çerkezköy.", "en": "Resource efficiency workshop."},
    "challenges": {"tr": "", "en": "Late invoices from two suppliers."},
    "next_steps": {"tr": "Enerji verimliliği eğitimi.", "en": "Energy efficiency training."},
}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def unzip(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture
def spent(api):
    """An expenditure of 2026-Q3 with two evidence files (an invoice and a photo)."""
    expenditure = api("POST", "/expenditures", json={"date": "2026-07-10", "budget_line": "services",
                                                     "amount": "1000", "currency": "EUR",
                                                     "description": "Workshop venue"}).json
    files = []
    for content, name, kind in ((PDF, "fatura 017.pdf", "invoice"), (JPEG, "../foto.jpg", "photo")):
        response = api("POST", f"/expenditures/{expenditure['id']}/evidence", role=OFFICER,
                       data=form(content, name, kind), content_type="multipart/form-data")
        assert response.status_code == 201, response.json
        files.append(response.json)
    return files


def draft(api, period="2026-Q3"):
    response = api("POST", "/reports", role=OFFICER, json={"period": period, "kind": "interim"})
    assert response.status_code == 201, response.json
    return response


def put_narrative(api, report_id, body, etag=None):
    return api("PUT", f"/reports/{report_id}", role=OFFICER, json=body,
               headers={"If-Match": etag} if etag else None)


def submit(api, report_id):
    response = api("POST", f"/reports/{report_id}/submit", role=OFFICER)
    assert response.status_code == 200, response.json
    return response.json


def stored_files(db) -> dict[str, bytes]:
    bucket = GridFSBucket(db, bucket_name="report_files")
    return {f._id: bucket.open_download_stream(f._id).read() for f in bucket.find({})}


def test_narrative_is_written_with_if_match_and_refused_when_stale_frozen_or_malformed(api, programme):
    created = draft(api)
    report, etag = created.json, created.headers["ETag"]
    assert report["narrative"]["summary"] == {"tr": "", "en": ""} and report["approval"] is None
    written = put_narrative(api, report["id"], {"narrative": NARRATIVE}, etag)
    assert written.status_code == 200, written.json
    assert written.json["narrative"] == NARRATIVE and written.headers["ETag"] != etag
    # the ETag read before the change is stale now: 412 and nothing changes
    stale = put_narrative(api, report["id"], {"narrative": {"summary": {"tr": "x", "en": "x"}}}, etag)
    assert stale.status_code == 412 and stale.json["code"] == 412
    for bad in ({"narrative": {"summary": "just text"}}, {"narrative": {"outlook": {"tr": "a", "en": "b"}}},
                {"narrative": {"summary": {"tr": "a", "de": "b"}}},
                {"narrative": {"summary": {"tr": "ç" * 5001, "en": ""}}}, {"summary": {"tr": "a", "en": "b"}}, {}):
        refused = put_narrative(api, report["id"], bad, written.headers["ETag"])
        assert refused.status_code == 422, (bad, refused.json)
    assert api("GET", f"/reports/{report['id']}", role="auditor").json["narrative"] == NARRATIVE
    assert api("PUT", f"/reports/{report['id']}", role="auditor", json={"narrative": NARRATIVE}).status_code == 403
    submitted = submit(api, report["id"])
    assert submitted["approval"]["submitted_by"] == submitted["submitted_by"]
    assert submitted["approval"]["role"] == OFFICER and submitted["approval"]["submitted_at"]
    assert put_narrative(api, report["id"], {"narrative": NARRATIVE}).status_code == 409
    text = pdf_text(api("GET", f"/reports/{report['id']}/export?format=pdf&lang=en", role="auditor").data)
    assert "Three workshops were held in the quarter." in text and "Late invoices from two suppliers." in text
    assert "Approval" in text and "Programme officer" in text and submitted["approval"]["submitted_by"] in text
    tr = pdf_text(api("GET", f"/reports/{report['id']}/export?format=pdf&lang=tr", role="auditor").data)
    assert "Çeyrekte üç atölye düzenlendi." in tr and "Onay" in tr and "Three workshops" not in tr


def test_the_package_is_the_frozen_manifest_and_the_files_it_hashes(api, db, programme, spent):
    report = draft(api).json
    put_narrative(api, report["id"], {"narrative": NARRATIVE})
    # a draft's package is built from the draft as it is
    draft_zip = api("GET", f"/reports/{report['id']}/package.zip", role="auditor")
    assert draft_zip.status_code == 200 and draft_zip.mimetype == "application/zip"
    assert json.loads(unzip(draft_zip.data)["manifest.json"])["status"] == "draft"

    submitted = submit(api, report["id"])
    first = api("GET", f"/reports/{report['id']}/package.zip", role="auditor")
    assert 'filename="tvp-report-2026-Q3-interim-r1.zip"' in first.headers["Content-Disposition"]
    files = unzip(first.data)
    assert list(files)[0] == "manifest.json"
    manifest = json.loads(files["manifest.json"])
    # the report's SHA-256 is its manifest's; the manifest names the content's and every other file's
    assert submitted["sha256"] == sha(files["manifest.json"])
    assert manifest["content_sha256"] == submitted["content_sha256"] and manifest["report_id"] == report["id"]
    assert (manifest["revision"], manifest["previous_sha256"]) == (1, None)
    assert [f["name"] for f in manifest["files"]] == [
        "tvp-report-2026-Q3-interim-bi.pdf", "tvp-report-2026-Q3-interim-bi.xlsx",
        "evidence/001_fatura_017.pdf", "evidence/002_foto.jpg"]
    assert sorted(files) == sorted(["manifest.json"] + [f["name"] for f in manifest["files"]])
    for listed in manifest["files"]:
        assert (sha(files[listed["name"]]), len(files[listed["name"]])) == (listed["sha256"], listed["size"])
    assert [f["evidence_id"] for f in manifest["files"][2:]] == [f["id"] for f in spent]
    assert files["evidence/001_fatura_017.pdf"] == PDF and files["evidence/002_foto.jpg"] == JPEG
    # the XLSX has the narrative and the approval on a sheet of their own
    sheet = load_workbook(io.BytesIO(files["tvp-report-2026-Q3-interim-bi.xlsx"]))["Anlatı - Narrative"]
    cells = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert cells["Özet"] == NARRATIVE["summary"]["tr"] and cells["Summary"] == NARRATIVE["summary"]["en"]
    assert cells["Sunan / Submitted by"] == submitted["approval"]["submitted_by"]
    # the exports in the package's language are the very bytes frozen; the same package every time
    pdf = api("GET", f"/reports/{report['id']}/export?format=pdf", role="auditor").data
    assert pdf == files["tvp-report-2026-Q3-interim-bi.pdf"]
    assert api("GET", f"/reports/{report['id']}/package.zip", role=OFFICER).data == first.data
    assert api("GET", f"/reports/{report['id']}/package.zip", role="chamber_admin").status_code == 403
    assert api("GET", "/reports/nope/package.zip", role="auditor").status_code == 404


def test_revisions_chain_three_versions_and_never_touch_the_earlier_ones(api, db, programme, spent):
    original = draft(api).json
    put_narrative(api, original["id"], {"narrative": NARRATIVE})
    # a draft is corrected by editing it: 409; a revision needs a reason: 422
    assert api("POST", f"/reports/{original['id']}/revisions", role=OFFICER,
               json={"reason": "typo"}).status_code == 409
    versions = [submit(api, original["id"])]
    for bad in ({}, {"reason": ""}, {"reason": "   "}, {"reason": 5}, {"reason": "x", "extra": 1}):
        assert api("POST", f"/reports/{original['id']}/revisions", role=OFFICER, json=bad).status_code == 422, bad
    assert api("POST", f"/reports/{original['id']}/revisions", role="auditor",
               json={"reason": "x"}).status_code == 403
    frozen_before = (api("GET", f"/reports/{original['id']}", role="auditor").json, stored_files(db))

    reasons = ["The July invoice was entered twice.", "Attendance of the 8 July workshop corrected."]
    for n, reason in enumerate(reasons, start=2):
        created = api("POST", f"/reports/{versions[-1]['id']}/revisions", role=OFFICER, json={"reason": reason})
        assert created.status_code == 201, created.json
        revision = created.json
        assert (revision["status"], revision["revision"], revision["revision_of"]) == ("draft", n, versions[-1]["id"])
        assert revision["previous_sha256"] == versions[-1]["sha256"] and revision["reason"] == reason
        assert revision["narrative"] == NARRATIVE  # starts from the corrected version's narrative
        # only the latest version can be revised: the chain never forks
        assert api("POST", f"/reports/{versions[-1]['id']}/revisions", role=OFFICER,
                   json={"reason": "again"}).status_code == 409
        versions.append(submit(api, revision["id"]))

    # the earlier version never changes: its JSON and its stored files, byte for byte
    assert api("GET", f"/reports/{original['id']}", role="auditor").json["sha256"] == frozen_before[0]["sha256"]
    after = stored_files(db)
    assert {k: v for k, v in after.items() if k.startswith(original["id"])} == frozen_before[1]
    shown = api("GET", f"/reports/{versions[-1]['id']}", role="auditor").json
    assert [(v["revision"], v["id"], v["sha256"], v["reason"]) for v in shown["versions"]] == [
        (1, versions[0]["id"], versions[0]["sha256"], None), (2, versions[1]["id"], versions[1]["sha256"], reasons[0]),
        (3, versions[2]["id"], versions[2]["sha256"], reasons[1])]
    assert api("GET", f"/reports/{original['id']}", role="auditor").json["versions"] == shown["versions"]

    # the hash chain, recomputed from the stored files alone
    previous = None
    for version in versions:
        folder = f"{version['id']}/{db['reports'].find_one({'_id': version['id']})['package_key']}"
        manifest_bytes = after[f"{folder}/manifest.json"]
        manifest = json.loads(manifest_bytes)
        assert sha(manifest_bytes) == version["sha256"] == db["reports"].find_one({"_id": version["id"]})["sha256"]
        assert manifest["previous_sha256"] == previous and manifest["report_id"] == version["id"]
        evidence = {f"evidence/{n:03d}_{name}": content  # kept by the evidence store, as uploaded
                    for n, (name, content) in enumerate((("fatura_017.pdf", PDF), ("foto.jpg", JPEG)), start=1)}
        for listed in manifest["files"]:
            body = after.get(f"{folder}/{listed['name']}") or evidence[listed["name"]]
            assert (sha(body), len(body)) == (listed["sha256"], listed["size"])
        previous = manifest_bytes and sha(manifest_bytes)

    # the revision's PDF says which version it corrects, and why
    text = pdf_text(api("GET", f"/reports/{versions[2]['id']}/export?format=pdf&lang=en", role="auditor").data)
    assert f"Revision 3 · Corrects revision 2 (SHA-256 {versions[1]['sha256'][:16]}" in text
    assert "Reason: Attendance of the 8 July workshop corrected." in text
