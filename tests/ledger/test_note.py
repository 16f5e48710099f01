"""C2SP signed notes (Ed25519) and tlog checkpoints."""

from __future__ import annotations

import base64
import hashlib

import pytest

from goodgov.ledger import note
from goodgov.ledger.note import NoteError

# The key pair and signatures of Go's golang.org/x/mod/sumdb/note tests: interoperability.
GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_PETER_SIG = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
GO_ENOCH_VERIFIER = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
GO_ENOCH_SIG = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"

ROOT = hashlib.sha256(b"a root").digest()


@pytest.fixture(scope="module")
def keys() -> tuple[str, str]:
    return note.generate_signer("ledger.example.go.th")


# Keys ----------------------------------------------------------------------------------


def test_generated_keys_are_in_the_note_key_formats(keys):
    # given
    signer_key, verifier_key = keys
    # when
    name, key_hash, encoded = verifier_key.split("+", 2)
    raw = base64.b64decode(encoded)
    # then
    assert name == "ledger.example.go.th"
    assert len(raw) == 33 and raw[0] == 0x01
    expected_id = hashlib.sha256(name.encode() + b"\n" + b"\x01" + raw[1:]).digest()[:4]
    assert key_hash == expected_id.hex()
    assert signer_key.startswith(f"PRIVATE+KEY+{name}+{key_hash}+")
    assert base64.b64decode(signer_key.split("+", 4)[4])[0] == 0x01
    assert note.verifier_key_for(signer_key) == verifier_key


def test_the_key_id_is_the_head_of_a_hash_of_name_type_and_key():
    # given
    public = base64.b64decode(GO_VERIFIER.split("+", 2)[2])[1:]
    # when / then
    assert note.key_id("PeterNeumann", public).hex() == "c74f20a3"
    assert note.Verifier.from_key(GO_VERIFIER).key_id == bytes.fromhex("c74f20a3")


def test_go_keys_load_and_write_back_unchanged():
    # given / when
    signer = note.Signer.from_key(GO_SIGNER)
    verifier = note.Verifier.from_key(GO_VERIFIER)
    # then
    assert signer.key == GO_SIGNER
    assert verifier.key == GO_VERIFIER
    assert signer.verifier.key == GO_VERIFIER


@pytest.mark.parametrize(
    "vkey",
    [
        GO_VERIFIER[:-1],
        GO_VERIFIER + "A",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong ID
        "PeterNeumann+c74f20+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # not Ed25519
        "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann",
    ],
)
def test_mangled_verifier_keys_are_refused(vkey):
    # given / when / then
    with pytest.raises(NoteError):
        note.Verifier.from_key(vkey)


@pytest.mark.parametrize(
    "skey",
    [
        GO_SIGNER[:-1],
        GO_SIGNER.replace("PRIVATE+KEY", "PUBLIC+KEY"),
        GO_SIGNER.replace("c74f20a3", "c74f20a4"),
        GO_SIGNER.replace("PeterNeumann", "PeterNeumanm"),
        GO_SIGNER[len("PRIVATE+KEY+") :],
    ],
)
def test_mangled_signer_keys_are_refused(skey):
    # given / when / then
    with pytest.raises(NoteError):
        note.Signer.from_key(skey)


@pytest.mark.parametrize("name", ["", "a b", "a+b", "tab\there", "nbsp\u00a0here"])
def test_key_names_have_no_spaces_or_plus_signs(name):
    # given / when / then
    with pytest.raises(NoteError):
        note.generate_signer(name)


# Signing and opening -------------------------------------------------------------------


def test_a_note_signed_here_is_byte_for_byte_what_go_signs():
    # given / when
    signed = note.sign_note(GO_TEXT, GO_SIGNER)
    # then: Ed25519 is deterministic, so the signature line is Go's exactly
    assert signed == GO_TEXT + "\n" + GO_PETER_SIG


def test_a_signed_note_opens_with_its_verifier(keys):
    # given
    signer_key, verifier_key = keys
    body = "ทะเบียนราษฎร์\nline two\n"
    # when
    signed = note.sign_note(body, signer_key)
    # then
    assert signed.startswith(body + "\n\u2014 ledger.example.go.th ")
    assert signed.endswith("\n")
    assert note.open_note(signed, [verifier_key]) == body
    assert note.open_note(signed.encode(), [note.Verifier.from_key(verifier_key)]) == body


def test_go_notes_open_here():
    # given / when / then
    assert note.open_note(GO_TEXT + "\n" + GO_PETER_SIG, [GO_VERIFIER]) == GO_TEXT
    assert note.open_note(GO_TEXT + "\n" + GO_ENOCH_SIG, [GO_ENOCH_VERIFIER]) == GO_TEXT
    both = GO_TEXT + "\n" + GO_PETER_SIG + GO_ENOCH_SIG
    assert note.open_note(both, [GO_VERIFIER, GO_ENOCH_VERIFIER]) == GO_TEXT


def test_a_tampered_body_is_refused(keys):
    # given
    signer_key, verifier_key = keys
    signed = note.sign_note(
        "example.org/log\n10\n" + base64.b64encode(ROOT).decode() + "\n", signer_key
    )
    # when
    tampered = signed.replace("\n10\n", "\n11\n", 1)
    # then
    with pytest.raises(NoteError, match="does not verify"):
        note.open_note(tampered, [verifier_key])


def test_a_note_signed_by_another_key_of_the_same_name_is_refused(keys):
    # given: another key under the very same name (so another key ID)
    _, verifier_key = keys
    other_signer, _ = note.generate_signer("ledger.example.go.th")
    signed = note.sign_note("body\n", other_signer)
    # when / then: its signature is by an unknown key, so no known key signed
    with pytest.raises(NoteError, match="no known key"):
        note.open_note(signed, [verifier_key])


def test_a_forged_signature_under_a_known_key_id_is_refused(keys):
    # given: a signature line that claims the known key but was made by another key
    _, verifier_key = keys
    known = note.Verifier.from_key(verifier_key)
    forger = note.Signer.generate("ledger.example.go.th")
    signature = base64.b64encode(known.key_id + forger.sign(b"body\n")).decode()
    forged = f"body\n\n\u2014 ledger.example.go.th {signature}\n"
    # when / then
    with pytest.raises(NoteError, match="does not verify"):
        note.open_note(forged, [verifier_key])


def test_a_note_with_only_unknown_signatures_is_refused():
    # given / when / then
    with pytest.raises(NoteError, match="no known key"):
        note.open_note(GO_TEXT + "\n" + GO_PETER_SIG + GO_ENOCH_SIG, [])
    with pytest.raises(NoteError, match="no known key"):
        note.open_note(GO_TEXT + "\n" + GO_ENOCH_SIG, [GO_VERIFIER])


def test_unknown_and_repeated_signatures_beside_a_good_one_are_ignored():
    # given: Go's case: the known signature twice, an unknown one, and a broken unknown one
    broken_enoch = GO_ENOCH_SIG[:60] + "ABCD" + GO_ENOCH_SIG[60:]
    text = GO_TEXT + "\n" + GO_PETER_SIG + GO_PETER_SIG + GO_ENOCH_SIG + broken_enoch
    # when / then
    assert note.open_note(text, [GO_VERIFIER]) == GO_TEXT


def test_a_broken_signature_by_a_known_key_rejects_the_note():
    # given
    broken = GO_PETER_SIG[:60] + "ABCD" + GO_PETER_SIG[60:]
    # when / then
    with pytest.raises(NoteError, match="does not verify"):
        note.open_note(GO_TEXT + "\n" + GO_PETER_SIG + broken, [GO_VERIFIER])
    with pytest.raises(NoteError, match="does not verify"):
        note.open_note(GO_TEXT + "\n" + broken, [GO_VERIFIER])
    with pytest.raises(NoteError, match="does not verify"):
        note.open_note(GO_TEXT + "\n" + GO_ENOCH_SIG + broken, [GO_VERIFIER, GO_ENOCH_VERIFIER])


@pytest.mark.parametrize(
    "text",
    [
        GO_TEXT,
        GO_TEXT + "\n",
        GO_TEXT + "\n" + GO_PETER_SIG[:-1],
        "\x01" + GO_TEXT + "\n" + GO_PETER_SIG,
        b"\xff" + (GO_TEXT + "\n" + GO_PETER_SIG).encode(),
        GO_TEXT + "\n" + GO_PETER_SIG.replace("PeterNeumann", "Bad Name"),
        GO_TEXT + "\n" + GO_PETER_SIG + "Unexpected line.\n",
        GO_TEXT + "\n" + GO_PETER_SIG * 101,
        GO_TEXT + "\n" + "\u2014 PeterNeumann \n",
        GO_TEXT + "\n" + "\u2014 PeterNeumann not*base64\n",
        "\ud800" + GO_TEXT + "\n" + GO_PETER_SIG,
    ],
)
def test_malformed_notes_are_refused(text):
    # given / when / then
    with pytest.raises(NoteError):
        note.open_note(text, [GO_VERIFIER])


@pytest.mark.parametrize("body", ["no final newline", "a\x00b\n", "tab\there\n"])
def test_only_proper_texts_are_signed(keys, body):
    # given / when / then
    with pytest.raises(NoteError):
        note.sign_note(body, keys[0])


# Checkpoints ---------------------------------------------------------------------------


def test_a_checkpoint_body_is_origin_size_and_root():
    # given / when
    body = note.checkpoint_body("ledger.example.go.th", 20852163, ROOT)
    # then
    assert body == f"ledger.example.go.th\n20852163\n{base64.b64encode(ROOT).decode()}\n"
    assert note.parse_checkpoint(body) == ("ledger.example.go.th", 20852163, ROOT)


def test_a_signed_checkpoint_opens_and_parses(keys):
    # given
    signer_key, verifier_key = keys
    signed = note.sign_note(note.checkpoint_body("ledger.example.go.th", 0, ROOT), signer_key)
    # when
    checkpoint = note.parse_checkpoint(note.open_note(signed, [verifier_key]))
    # then
    assert checkpoint.origin == "ledger.example.go.th"
    assert checkpoint.size == 0
    assert checkpoint.root == ROOT


def test_the_spec_example_checkpoint_parses():
    # given: the example of c2sp.org/tlog-checkpoint
    body = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    # when
    origin, size, root = note.parse_checkpoint(body)
    # then
    assert (origin, size) == ("example.com/behind-the-sofa", 20852163)
    assert root == base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")


def test_checkpoint_extension_lines_are_allowed():
    # given
    body = note.checkpoint_body("o", 1, ROOT) + "extension\n"
    # when / then
    assert note.parse_checkpoint(body) == ("o", 1, ROOT)


@pytest.mark.parametrize(
    "body",
    [
        "o\n1\n",  # no root
        "o\n01\n" + base64.b64encode(ROOT).decode() + "\n",  # leading zero
        "o\n-1\n" + base64.b64encode(ROOT).decode() + "\n",
        "o\n1\n" + base64.b64encode(ROOT[:31]).decode() + "\n",  # short root
        "o\n1\n" + base64.b64encode(ROOT).decode(),  # no final newline
        "\n1\n" + base64.b64encode(ROOT).decode() + "\n",  # no origin
        "o\n1\n" + base64.b64encode(ROOT).decode() + "\n\n",  # an empty extension line
        "o\n\u0661\n" + base64.b64encode(ROOT).decode() + "\n",  # not an ASCII digit
    ],
)
def test_malformed_checkpoints_are_refused(body):
    # given / when / then
    with pytest.raises(NoteError):
        note.parse_checkpoint(body)


@pytest.mark.parametrize(
    ("origin", "size", "root"),
    [("", 1, ROOT), ("a\nb", 1, ROOT), ("o", -1, ROOT), ("o", 1, b"short")],
)
def test_checkpoint_bodies_are_only_made_of_proper_parts(origin, size, root):
    # given / when / then
    with pytest.raises(NoteError):
        note.checkpoint_body(origin, size, root)
