"""Uploaded attachments: refused when too large or not what they claim, stored under new names."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from projects.forms import AttachmentForm
from projects.models import Attachment
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

STORED_NAME = re.compile(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}\.(png|jpg|pdf|docx)")


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


def test_documents_keep_only_an_allowed_suffix(settings):
    project = ProjectFactory()

    valid, _errors = submit(
        project, "../方案.DOCX", b"PK\x03\x04" + b"\0" * 64, content_type="application/zip"
    )

    assert valid
    attachment = Attachment.objects.get()
    assert STORED_NAME.fullmatch(attachment.file.name)
    assert attachment.file.name.endswith(".docx")
