"""Uploaded attachments: refused when too large, a bomb or not what they claim, stored under
new names, and served only to those who may see them."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook
from PIL import Image

from projects import services
from projects.attachments import make_thumbnail
from projects.choices import ReportState
from projects.forms import AttachmentForm
from projects.models import Attachment, ProgressReport
from tests.factories import (
    DepartmentFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
    coordinator,
    leader,
    reporter,
)
from tests.support.admin_forms import (
    add_inline_row,
    form_data,
)
from tests.support.files import pdf_bytes

pytestmark = pytest.mark.django_db

STORED_NAME = re.compile(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}\.(png|jpg|pdf|docx|xlsx)")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_ACCEPTED = (
    "Only photos (JPEG, PNG, WebP, GIF) and documents (PDF, Word, Excel) can be uploaded."
)
TOO_MANY_PIXELS = (
    "This image has more than 40 megapixels, too many to open safely. "
    "Make it smaller and upload it again."
)
TOO_MANY_PIXELS_ZH = "图片超过 40 百万像素，无法安全处理，请缩小尺寸后重新上传。"


# --- files made in the test -----------------------------------------------------------------


def gif_declaring(width: int, height: int) -> bytes:
    """A few dozen bytes of GIF whose header promises a ``width`` × ``height`` picture."""
    screen = struct.pack("<HHBBB", width, height, 0x80, 0, 0)  # a global palette of 2
    palette = b"\0\0\0\xff\xff\xff"
    frame = b"," + struct.pack("<HHHHB", 0, 0, width, height, 0)
    pixels = b"\x02\x02\x44\x01\x00"  # LZW code size 2, one block of 2 bytes, end
    return b"GIF89a" + screen + palette + frame + pixels + b";"


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_of(width: int, height: int, pixel_data: bytes, colour_type: int = 2) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", pixel_data)
        + png_chunk(b"IEND", b"")
    )


def png_header_declaring(width: int, height: int) -> bytes:
    """A PNG header of ``width`` × ``height`` with next to no pixel data behind it."""
    return png_of(width, height, zlib.compress(b"\0"))


def blank_grey_png(width: int, height: int) -> bytes:
    """A real, complete PNG: every row a filter byte and black pixels, which zlib packs tight."""
    compressor = zlib.compressobj(9)
    row = b"\0" * (width + 1)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return png_of(width, height, body, colour_type=0)


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELATIONSHIPS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>实施方案</w:t></w:r></w:p></w:body></w:document>"
)
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"
)


def docx_bytes(parts: dict | None = None) -> bytes:
    """A minimal Word document; ``parts`` replace its parts by name, None leaves one out."""
    contents = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": RELATIONSHIPS,
        "word/document.xml": DOCUMENT,
        **(parts or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in contents.items():
            if text is not None:
                package.writestr(name, text)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    workbook = Workbook()
    workbook.active["A1"] = "民生实事"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def submit(project, name: str, content: bytes, content_type: str = "image/jpeg"):
    form = AttachmentForm(
        data={"kind": "photo", "title": "现场照片"},
        files={"file": SimpleUploadedFile(name, content, content_type=content_type)},
        instance=Attachment(project=project),
    )
    with translation.override("en"):
        valid = form.is_valid()
        errors = form.errors.get("file", [])
    if valid:
        form.save()
    return valid, errors


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_too_large_a_file_is_refused_and_nothing_is_stored(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    project = ProjectFactory()

    valid, errors = submit(project, "site.png", png_bytes() + b"\0" * 2048)

    assert not valid
    assert errors == ["The file is 2.1\xa0KB; the limit is 1.0\xa0KB."]
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.jpg", b"<html><script>alert(1)</script></html>"),  # a page renamed as a photo
        ("report.pdf", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("tool.jpg", b"MZ\x90\x00\x03\x00\x00\x00"),  # a Windows program
        ("notes.docx", b"%PDF-1.7 a PDF under a Word name"),
        ("archive.jpg", b"PK\x03\x04 a zip under a photo name"),
    ],
)
def test_content_that_is_not_what_the_name_says_is_refused(settings, name, content):
    project = ProjectFactory()

    valid, errors = submit(project, name, content)

    assert not valid
    assert errors == [
        "Only photos (JPEG, PNG, WebP, GIF) and documents (PDF, Word, Excel) can be uploaded."
    ]
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.jpg",
        "..\\..\\windows\\win.ini.png",
        "/var/www/html/shell.php.png",
        "photo.png\x00.html",
        "照片 (1).PNG",
    ],
)
def test_names_sent_with_the_file_are_not_used_to_store_it(settings, name):
    project = ProjectFactory()

    valid, errors = submit(project, name, png_bytes(), content_type="text/html")

    assert valid, errors
    attachment = Attachment.objects.get()
    assert STORED_NAME.fullmatch(attachment.file.name), attachment.file.name
    assert attachment.file.name.endswith(".png")
    assert attachment.content_type == "image/png"
    # The one file written is inside the media folder, under the generated name.
    media = settings.MEDIA_ROOT.resolve()
    written = [path for path in stored_files(settings) if "thumbnails" not in path.parts]
    assert [path.resolve() for path in written] == [media / attachment.file.name]


def test_the_stored_suffix_follows_the_content_not_the_name(settings):
    project = ProjectFactory()

    valid, _errors = submit(project, "site.jpg", png_bytes())

    assert valid
    assert Attachment.objects.get().file.name.endswith(".png")


def test_documents_are_stored_under_the_suffix_of_their_kind(settings):
    project = ProjectFactory()

    valid, errors = submit(project, "../方案.PDF", docx_bytes(), content_type="application/pdf")

    assert valid, errors
    attachment = Attachment.objects.get()
    assert STORED_NAME.fullmatch(attachment.file.name)
    assert attachment.file.name.endswith(".docx")
    assert attachment.content_type == DOCX


# --- image bombs ------------------------------------------------------------------------------

BOMBS = {
    "gif-65535x65535": lambda: gif_declaring(65535, 65535),
    "png-header-30000x30000": lambda: png_header_declaring(30000, 30000),
    "png-12000x12000": lambda: blank_grey_png(12000, 12000),
}


def test_the_bombs_are_small_files():
    sizes = {name: len(make()) for name, make in BOMBS.items()}

    assert sizes["gif-65535x65535"] < 40
    assert sizes["png-header-30000x30000"] < 100
    assert sizes["png-12000x12000"] < 200_000


@pytest.mark.parametrize("bomb", list(BOMBS))
def test_an_image_bomb_is_refused_with_a_message_and_nothing_stored(settings, bomb):
    project = ProjectFactory()

    valid, errors = submit(project, "photo.png", BOMBS[bomb]())

    assert not valid
    assert errors == [TOO_MANY_PIXELS]
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_the_pixel_cap_is_a_setting(settings):
    settings.ATTACHMENT_MAX_PIXELS = 1_000_000
    project = ProjectFactory()

    refused, errors = submit(project, "wide.png", blank_grey_png(2000, 1000))
    accepted, _errors = submit(project, "small.png", blank_grey_png(1000, 1000))

    assert not refused
    assert errors == [
        "This image has more than 1 megapixels, too many to open safely. "
        "Make it smaller and upload it again."
    ]
    assert accepted
    assert Attachment.objects.count() == 1


def test_an_image_cut_short_is_refused(settings):
    project = ProjectFactory()
    whole = png_bytes()

    valid, errors = submit(project, "site.png", whole[: len(whole) - 30])

    assert not valid
    assert errors == [NOT_ACCEPTED]
    assert not Attachment.objects.exists()


def admin_project_post(project, upload):
    """The coordinating office adds an attachment row on the project's admin page."""
    client = Client()
    client.force_login(coordinator())
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = form_data(client, url)
    add_inline_row(
        data,
        "attachments",
        {"kind": "photo", "title": "现场照片", "file": upload, "milestone": "", "report": ""},
    )
    return client.post(url, data)


@pytest.mark.parametrize("bomb", list(BOMBS))
def test_an_image_bomb_in_the_admin_is_a_form_error_in_chinese(settings, bomb):
    # given: the office uploads a bomb on a project's page (the admin speaks Chinese)
    project = ProjectFactory()

    # when
    response = admin_project_post(
        project, SimpleUploadedFile("现场.png", BOMBS[bomb](), content_type="image/png")
    )

    # then: the page comes back with the message under the file, and nothing was kept
    assert response.status_code == 200
    assert TOO_MANY_PIXELS_ZH in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_a_sound_photo_in_the_admin_is_kept_with_a_thumbnail(settings):
    project = ProjectFactory()

    response = admin_project_post(
        project, SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png")
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.thumbnail.name.startswith("thumbnails/")


def test_a_fake_pdf_on_a_report_page_in_the_admin_is_a_form_error(settings):
    department = DepartmentFactory()
    report = ProgressReportFactory(project=ProjectFactory(lead_department=department))
    client = Client()
    client.force_login(reporter("reporter_li", department))
    url = reverse("admin:projects_progressreport_change", args=[report.pk])
    data = form_data(client, url)
    fake = b"%PDF-1.4\n<html><script>alert(1)</script>"
    add_inline_row(
        data,
        "attachments",
        {
            "kind": "document",
            "title": "验收报告",
            "file": SimpleUploadedFile("验收.pdf", fake, content_type="application/pdf"),
        },
    )

    response = client.post(url, data)

    assert response.status_code == 200
    assert "只能上传照片（JPEG、PNG、WebP、GIF）和文档（PDF、Word、Excel）。" in (
        response.content.decode()
    )
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_a_thumbnail_is_not_made_of_an_image_over_the_cap(settings):
    # given: a photo stored when the cap was higher
    project = ProjectFactory()
    assert submit(project, "site.png", blank_grey_png(1200, 1000))[0]
    attachment = Attachment.objects.get()
    Attachment.objects.filter(pk=attachment.pk).update(thumbnail="")
    attachment.refresh_from_db()
    settings.ATTACHMENT_MAX_PIXELS = 1_000_000

    # when
    make_thumbnail(attachment)

    # then: no preview, no error; the page falls back to the photo itself
    attachment.refresh_from_db()
    assert not attachment.thumbnail


# --- documents: parsed, not recognised by their first bytes ----------------------------------


def damaged_docx() -> bytes:
    """A Word document whose main part's compressed bytes were damaged in transit."""
    data = bytearray(
        docx_bytes({"word/document.xml": DOCUMENT.replace("实施方案", "实施方案" * 500)})
    )
    start = data.find(b"word/document.xml") + 40
    for index in range(start, start + 30):
        data[index] ^= 0x55
    return bytes(data)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"%PDF-1.4\n<html><script>alert(1)</script>"),
        ("report.pdf", b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>"),
        ("plan.docx", b"PK\x03\x04" + b"\0" * 64),  # the first bytes of a zip, nothing more
        ("plan.docx", docx_bytes({"[Content_Types].xml": None})),  # no content types
        ("plan.docx", docx_bytes({"word/document.xml": None})),  # no main part
        ("plan.docx", docx_bytes({"word/document.xml": "<w:document><html>"})),  # not XML
        ("plan.docx", docx_bytes({"word/document.xml": LAUGHS})),  # entity expansion
        ("plan.docx", damaged_docx()),
        (
            "macro.docm",
            docx_bytes(
                {
                    "[Content_Types].xml": CONTENT_TYPES.replace(
                        "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                        "vnd.ms-word.document.macroEnabled.main+xml",
                    )
                }
            ),
        ),
    ],
    ids=[
        "pdf-then-html",
        "pdf-without-pages",
        "zip-signature-only",
        "zip-without-content-types",
        "docx-without-document",
        "docx-with-broken-xml",
        "docx-with-entities",
        "docx-damaged",
        "word-with-macros",
    ],
)
def test_a_document_that_does_not_parse_is_refused(settings, name, content):
    project = ProjectFactory()

    valid, errors = submit(project, name, content, content_type="application/octet-stream")

    assert not valid
    assert errors == [NOT_ACCEPTED]
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("name", "make", "content_type", "suffix"),
    [
        ("验收报告.pdf", pdf_bytes, "application/pdf", ".pdf"),
        ("实施方案.docx", docx_bytes, DOCX, ".docx"),
        ("进度表.xlsx", xlsx_bytes, XLSX, ".xlsx"),
    ],
)
def test_a_real_document_is_accepted(settings, name, make, content_type, suffix):
    project = ProjectFactory()

    valid, errors = submit(project, name, make(), content_type="application/octet-stream")

    assert valid, errors
    attachment = Attachment.objects.get()
    assert attachment.content_type == content_type
    assert STORED_NAME.fullmatch(attachment.file.name)
    assert attachment.file.name.endswith(suffix)


def test_a_pdf_made_by_the_portal_is_accepted(settings):
    from weasyprint import HTML

    project = ProjectFactory()
    content = HTML(string="<h1>禹会区民生实事</h1>").write_pdf()

    valid, errors = submit(project, "简报.pdf", content, content_type="application/pdf")

    assert valid, errors
    assert Attachment.objects.get().content_type == "application/pdf"


def test_a_pdf_behind_a_password_is_refused_with_the_reason(settings):
    project = ProjectFactory()

    valid, errors = submit(project, "报告.pdf", pdf_bytes(password="secret"))

    assert not valid
    assert errors == [
        "This PDF is protected by a password; save it without one and upload it again."
    ]
    assert not Attachment.objects.exists()


def test_a_zip_bomb_is_refused_by_its_unpacked_size(settings):
    settings.ATTACHMENT_MAX_UNPACKED_BYTES = 1024 * 1024
    project = ProjectFactory()
    bomb = docx_bytes({"word/media/padding.bin": "\0" * (2 * 1024 * 1024)})
    assert len(bomb) < 20_000

    valid, errors = submit(project, "plan.docx", bomb)

    assert not valid
    assert errors == ["The document unpacks to 2.0\xa0MB; the limit is 1.0\xa0MB."]
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


# --- who gets a file ------------------------------------------------------------------------


@pytest.fixture
def report_world():
    """A published project with a submitted report carrying a photo (with its thumbnail)."""
    plan = PlanFactory(published=True)
    department, other = DepartmentFactory(), DepartmentFactory()
    project = ProjectFactory(plan=plan, lead_department=department, published=True)
    report = ProgressReportFactory(project=project, state=ReportState.SUBMITTED)
    assert submit(project, "site.png", png_bytes())[0]
    photo = Attachment.objects.get()
    Attachment.objects.filter(pk=photo.pk).update(report=report)
    make_thumbnail(photo)
    photo.refresh_from_db()
    assert photo.thumbnail
    return {
        "project": project,
        "report": report,
        "photo": photo,
        "own": reporter("own_reporter", department),
        "other": reporter("other_reporter", other),
        "office": coordinator("office_wu"),
        "leader": leader("leader_zhao"),
    }


def get_as(user, url):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("which", ["file", "thumbnail"])
@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 404), ("other", 404), ("own", 200), ("office", 200), ("leader", 200)],
)
def test_a_submitted_reports_photo_is_for_staff_who_see_the_report(
    report_world, which, who, status
):
    stored = getattr(report_world["photo"], which)

    response = get_as(report_world[who] if who else None, stored.url)

    assert response.status_code == status
    if status == 200:
        assert body(response) == stored.storage.open(stored.name).read()
        assert response["Content-Type"] == ("image/jpeg" if which == "thumbnail" else "image/png")
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


def test_an_approved_reports_photo_is_public_and_cacheable(report_world):
    report = ProgressReport.objects.get(pk=report_world["report"].pk)
    services.report_approve(report=report, by=report_world["office"])
    photo = report_world["photo"]

    response = get_as(None, photo.file.url)

    assert response.status_code == 200
    assert body(response) == png_bytes()
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"]
    assert get_as(None, photo.thumbnail.url).status_code == 200


def test_a_photo_of_an_unpublished_project_is_for_staff_only(report_world):
    project = report_world["project"]
    project.published = False
    project.save(update_fields=["published"])
    Attachment.objects.filter(pk=report_world["photo"].pk).update(report=None)
    url = report_world["photo"].file.url

    assert get_as(None, url).status_code == 404
    assert get_as(report_world["other"], url).status_code == 404
    assert get_as(report_world["own"], url).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["attachments/2024/05/nothing.png", "../settings.py", "attachments/../../manage.py", ""],
)
def test_an_address_of_no_stored_file_is_not_found(report_world, path):
    response = get_as(report_world["office"], f"/media/{path}")

    assert response.status_code == 404


def test_documents_are_downloaded_with_the_type_their_content_parsed_as(settings):
    project = ProjectFactory(plan=PlanFactory(published=True), published=True)
    # A page disguised as a PDF would be refused; a real PDF sent as a photo is a PDF.
    assert submit(project, "photo.jpg", pdf_bytes(), content_type="image/jpeg")[0]
    document = Attachment.objects.get()
    Attachment.objects.filter(pk=document.pk).update(title='验收报告"\r\n/../x')

    response = get_as(None, document.file.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "%E9%AA%8C%E6%94%B6%E6%8A%A5%E5%91%8A____.._x.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert body(response).startswith(b"%PDF-")


def test_a_photo_is_shown_in_the_page_not_downloaded(report_world):
    office = report_world["office"]

    response = get_as(office, report_world["photo"].file.url)

    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_document_stored_before_parsing_is_served_as_its_kind(settings):
    # given: a Word document stored when documents were told by their first bytes only
    project = ProjectFactory(plan=PlanFactory(published=True), published=True)
    assert submit(project, "plan.docx", docx_bytes())[0]
    Attachment.objects.update(content_type="application/zip")
    document = Attachment.objects.get()

    response = get_as(None, document.file.url)

    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"].startswith("attachment;")


def test_behind_nginx_the_portal_names_the_file_and_nginx_sends_it(report_world, settings):
    settings.ATTACHMENT_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    photo = report_world["photo"]

    allowed = get_as(report_world["own"], photo.file.url)
    refused = get_as(None, photo.file.url)

    assert allowed.status_code == 200
    assert allowed["X-Accel-Redirect"] == f"/protected-media/{photo.file.name}"
    assert allowed["Content-Type"] == "image/png"
    assert allowed.content == b""
    assert refused.status_code == 404
    assert "X-Accel-Redirect" not in refused
