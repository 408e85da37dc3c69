"""Checks and thumbnails for uploaded attachments: the content decides, not the file name.

A file is accepted only when it parses as what it is taken for: an image decodes in full
(within a pixel cap read from its header before anything is decoded), a PDF opens and has
pages, an Office document is an Office Open XML package whose main part is there and is
well-formed XML. A file that only *starts* like one of these (``%PDF-`` then a web page, a
zip without a document inside) is refused.
"""

from __future__ import annotations

import logging
import struct
import zipfile
import zlib
from io import BytesIO
from pathlib import PurePath
from xml.parsers import expat

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

logger = logging.getLogger(__name__)

IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
PDF = "application/pdf"
# Office Open XML: the content type [Content_Types].xml gives the main part, and the type
# the file is then stored and served as.
OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
}
DOCUMENT_TYPES = {PDF, *OOXML_MAIN_PARTS.values()}
# Rows stored before documents were parsed say only "application/zip"; the suffix they kept
# was then checked against this short list, so it names their kind.
LEGACY_ZIP = "application/zip"
LEGACY_ZIP_TYPES = {
    ".docx": OOXML_MAIN_PARTS[
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    ],
    ".xlsx": OOXML_MAIN_PARTS[
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    ],
    ".pptx": OOXML_MAIN_PARTS[
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    ],
}
# A package's parts list and its main part are read whole: a limit on each, besides the
# limit on the whole package's unpacked size (ATTACHMENT_MAX_UNPACKED_BYTES).
MAX_PACKAGE_PARTS = 10_000
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
THUMBNAIL_SIZE = (480, 360)


def not_accepted() -> ValidationError:
    return ValidationError(
        _("Only photos (JPEG, PNG, WebP, GIF) and documents (PDF, Word, Excel) can be uploaded.")
    )


def too_many_pixels() -> ValidationError:
    return ValidationError(
        _(
            "This image has more than %(limit)s megapixels, too many to open safely. "
            "Make it smaller and upload it again."
        )
        % {"limit": f"{settings.ATTACHMENT_MAX_PIXELS / 1_000_000:g}"}
    )


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
    try:
        if head.startswith(b"%PDF-"):
            return _inspect_pdf(upload)
        if head.startswith(b"PK\x03\x04"):
            return _inspect_office_package(upload)
        return _inspect_image(upload)
    finally:
        upload.seek(0)


def _inspect_image(upload) -> str:
    try:
        # Opening reads the header only; the size is checked before any pixel is decoded.
        with Image.open(upload) as image:
            width, height = image.size
            if width * height > settings.ATTACHMENT_MAX_PIXELS:
                raise too_many_pixels()
            image_format = image.format
            image.verify()
        upload.seek(0)
        # verify() checks the structure without decoding; load() decodes, and so refuses a
        # file cut short or with corrupt pixel data.
        with Image.open(upload) as image:
            image.load()
    except Image.DecompressionBombError as exc:
        # Pillow's own cap (MAX_IMAGE_PIXELS, set from ATTACHMENT_MAX_PIXELS) caught it first.
        raise too_many_pixels() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise not_accepted() from exc
    if image_format not in IMAGE_FORMATS:
        raise ValidationError(_("This image format is not accepted; use JPEG, PNG, WebP or GIF."))
    return IMAGE_FORMATS[image_format]


def _inspect_pdf(upload) -> str:
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                _("This PDF is protected by a password; save it without one and upload it again.")
            )
        pages = len(reader.pages)
    except ValidationError:
        raise
    except (
        PyPdfError,
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        AttributeError,
        RecursionError,
    ) as exc:
        # Whatever way a hostile or broken file trips the parser, it is not a PDF we serve.
        raise not_accepted() from exc
    if pages < 1:
        raise not_accepted()
    return PDF


def _inspect_office_package(upload) -> str:
    try:
        with zipfile.ZipFile(upload) as package:
            parts = package.infolist()
            if len(parts) > MAX_PACKAGE_PARTS:
                raise not_accepted()
            # The sizes a zip declares bound what reading it can produce (zipfile stops at
            # the declared size), so their sum is what unpacking could cost at most.
            unpacked = sum(part.file_size for part in parts)
            if unpacked > settings.ATTACHMENT_MAX_UNPACKED_BYTES:
                raise ValidationError(
                    _("The document unpacks to %(size)s; the limit is %(limit)s.")
                    % {
                        "size": filesizeformat(unpacked),
                        "limit": filesizeformat(settings.ATTACHMENT_MAX_UNPACKED_BYTES),
                    }
                )
            names = {part.filename for part in parts}
            if "[Content_Types].xml" not in names:
                raise not_accepted()
            if package.getinfo("[Content_Types].xml").file_size > MAX_CONTENT_TYPES_BYTES:
                raise not_accepted()
            main_part, content_type = _main_part(package.read("[Content_Types].xml"))
            if main_part not in names:
                raise not_accepted()
            with package.open(main_part) as stream:
                _parse_xml(stream)
    except ValidationError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        struct.error,
        OSError,
        EOFError,
        ValueError,
        expat.ExpatError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        # A damaged archive or compressed part, malformed XML, an unsupported compression
        # method, an encrypted member: not a document we can vouch for.
        raise not_accepted() from exc
    return content_type


def _main_part(content_types: bytes) -> tuple[str, str]:
    """The main part's name in the package and the package's content type."""
    found: list[tuple[str, str]] = []

    def start(name, attributes):
        if name.rsplit("}", 1)[-1] == "Override":
            kind = OOXML_MAIN_PARTS.get(attributes.get("ContentType", ""))
            if kind is not None:
                found.append((attributes.get("PartName", "").lstrip("/"), kind))

    _parse_xml(BytesIO(content_types), start)
    if len(found) != 1:
        raise not_accepted()
    return found[0]


def _refuse_declarations(*_args):
    # Office parts never declare a document type or entities: refusing them keeps entity
    # expansion ("billion laughs") and external entities out altogether.
    raise expat.ExpatError("declarations are not allowed")


def _parse_xml(stream, start_element=None) -> None:
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = _refuse_declarations
    parser.EntityDeclHandler = _refuse_declarations
    parser.ExternalEntityRefHandler = _refuse_declarations
    if start_element is not None:
        parser.StartElementHandler = start_element
    parser.ParseFile(stream)


def served_content_type(attachment) -> str:
    """The Content-Type a stored attachment is served with: the type its content parsed as."""
    if attachment.content_type == LEGACY_ZIP:
        return LEGACY_ZIP_TYPES.get(
            PurePath(attachment.file.name).suffix.lower(), "application/octet-stream"
        )
    if attachment.content_type in IMAGE_FORMATS.values() or attachment.content_type in (
        DOCUMENT_TYPES
    ):
        return attachment.content_type
    return "application/octet-stream"


def make_thumbnail(attachment) -> None:
    """Store a small JPEG preview next to an image attachment.

    Files stored before the pixel cap, or larger than a lowered one, get no preview rather
    than a decode that would take a worker's memory.
    """
    if not attachment.is_image or attachment.thumbnail:
        return
    attachment.file.open("rb")
    try:
        with Image.open(attachment.file) as image:
            width, height = image.size
            if width * height > settings.ATTACHMENT_MAX_PIXELS:
                logger.warning(
                    "No thumbnail for attachment %s: %sx%s", attachment.pk, width, height
                )
                return
            # JPEGs decode straight at a reduced scale; the others shrink before converting,
            # so that only the small copy is converted.
            image.draft("RGB", THUMBNAIL_SIZE)
            if image.mode not in ("RGB", "RGBA", "L"):
                image = image.convert("RGBA" if "transparency" in image.info else "RGB")
            image.thumbnail(THUMBNAIL_SIZE)
            image = image.convert("RGB")
            buffer = BytesIO()
            image.save(buffer, format="JPEG", quality=82)
    except (Image.DecompressionBombError, UnidentifiedImageError, OSError) as exc:
        logger.warning("No thumbnail for attachment %s: %s", attachment.pk, exc)
        return
    finally:
        attachment.file.close()
    name = f"{PurePath(attachment.file.name).stem}.jpg"
    attachment.thumbnail.save(name, ContentFile(buffer.getvalue()), save=False)
    type(attachment).objects.filter(pk=attachment.pk).update(thumbnail=attachment.thumbnail.name)
