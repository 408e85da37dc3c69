"""Checks and thumbnails for uploaded attachments: the content decides, not the file name."""

from __future__ import annotations

from io import BytesIO
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
DOCUMENT_SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),  # .docx / .xlsx are zip containers
]
DOCUMENT_SUFFIXES = {
    "application/pdf": {".pdf"},
    "application/zip": {".docx", ".xlsx", ".pptx"},
}
THUMBNAIL_SIZE = (480, 360)


def inspect_upload(upload) -> str:
    """Return the content type of an accepted upload, or raise ValidationError saying why not."""
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            }
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    suffix = PurePath(upload.name or "").suffix.lower()
    for signature, content_type in DOCUMENT_SIGNATURES:
        if head.startswith(signature):
            if suffix not in DOCUMENT_SUFFIXES[content_type]:
                break
            return content_type
    try:
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _(
                "Only photos (JPEG, PNG, WebP, GIF) and documents (PDF, Word, Excel) can be uploaded."
            )
        ) from exc
    finally:
        upload.seek(0)
    if image_format not in IMAGE_FORMATS:
        raise ValidationError(_("This image format is not accepted; use JPEG, PNG, WebP or GIF."))
    return IMAGE_FORMATS[image_format]


def make_thumbnail(attachment) -> None:
    """Store a small JPEG preview next to an image attachment."""
    if not attachment.is_image or attachment.thumbnail:
        return
    attachment.file.open("rb")
    try:
        with Image.open(attachment.file) as image:
            image = image.convert("RGB")
            image.thumbnail(THUMBNAIL_SIZE)
            buffer = BytesIO()
            image.save(buffer, format="JPEG", quality=82)
    finally:
        attachment.file.close()
    name = f"{PurePath(attachment.file.name).stem}.jpg"
    attachment.thumbnail.save(name, ContentFile(buffer.getvalue()), save=False)
    type(attachment).objects.filter(pk=attachment.pk).update(thumbnail=attachment.thumbnail.name)
