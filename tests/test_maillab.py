"""The mail lab: a real SMTP server on 127.0.0.1 only, that keeps what it receives byte for byte,
never relays, and is gone when its block ends (even on an error)."""

import email.policy
import smtplib
import subprocess
import sys
import time
import unicodedata
from email.message import EmailMessage

import psutil
import pytest

from kynangso import maillab
from kynangso.authoring.datasets import render_all

SUBJECT = "Giấy mời họp trực tuyến về chuyển đổi số năm 2022 của UBND huyện Vĩnh Tường"


def official_message() -> EmailMessage:
    pdf = next(
        a.get_content()
        for name, body in render_all().items()
        if name.endswith(".eml")
        for a in email.message_from_bytes(body, policy=email.policy.default).iter_attachments()
        if a.get_content_type() == "application/pdf"
    )
    msg = EmailMessage()
    msg["From"] = "Văn phòng HĐND và UBND huyện <vanphong.vt00@vinhtuong.example>"
    msg["To"] = "dnv.vt05@vinhtuong.example"
    msg["Cc"] = "Lãnh đạo xã <lanhdao.vt05@vinhtuong.example>"
    msg["Subject"] = SUBJECT
    msg.set_content("Kính gửi: UBND xã Bình Dương.\n.Dòng bắt đầu bằng dấu chấm vẫn phải giữ nguyên.\n")
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename="Giấy mời họp số 05.pdf")
    return msg


def listening(port):
    return [c for c in psutil.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN and c.laddr.port == port]


def test_listens_on_loopback_only_and_refuses_other_hosts():
    with maillab.MailLab() as lab:
        socks = listening(lab.port)
        assert socks and {c.laddr.ip for c in socks} == {"127.0.0.1"}
    for host in ("0.0.0.0", "", "::", "192.0.2.1", "localhost"):
        with pytest.raises(maillab.LabError, match="127.0.0.1"):
            maillab.MailLab(host=host)


def test_message_survives_the_round_trip_byte_for_byte():
    msg = official_message()
    raw = msg.as_bytes(policy=email.policy.SMTP)
    with maillab.MailLab() as lab:
        with smtplib.SMTP(lab.host, lab.port) as smtp:
            smtp.sendmail(
                "vanphong.vt00@vinhtuong.example", ["dnv.vt05@vinhtuong.example", "lanhdao.vt05@vinhtuong.example"], raw
            )
        assert lab.mailbox.wait_for(1)
    got = lab.mailbox[0]  # kept after the server has stopped
    assert got.raw == raw
    assert got.rcpt_tos == ["dnv.vt05@vinhtuong.example", "lanhdao.vt05@vinhtuong.example"]
    assert unicodedata.is_normalized("NFC", got.message["Subject"]) and got.message["Subject"] == SUBJECT
    [att] = list(got.message.iter_attachments())
    assert att.get_filename() == "Giấy mời họp số 05.pdf" and att.get_content_type() == "application/pdf"
    assert att.get_content() == next(msg.iter_attachments()).get_content()


def test_send_message_as_learners_do():
    with maillab.MailLab() as lab:
        with smtplib.SMTP(lab.host, lab.port) as smtp:
            smtp.send_message(official_message())
        assert lab.mailbox.wait_for(1)
    assert lab.mailbox.messages[0]["Cc"].addresses[0].display_name == "Lãnh đạo xã"


def test_never_relays_outside_the_course_domains():
    with maillab.MailLab() as lab, smtplib.SMTP(lab.host, lab.port) as smtp:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            smtp.sendmail("a@vinhtuong.example", ["someone@gmail.com"], b"Subject: x\r\n\r\nx\r\n")
        assert refused.value.recipients["someone@gmail.com"][0] == 550
    assert len(lab.mailbox) == 0


def test_server_is_gone_after_the_block_even_on_error():
    with pytest.raises(ZeroDivisionError), maillab.MailLab() as lab:
        port = lab.port
        assert maillab._port_open(lab.host, port)
        1 / 0  # noqa: B018 - the error inside the block
    assert not lab.running and not maillab._port_open("127.0.0.1", port) and not listening(port)
    with pytest.raises(ConnectionRefusedError):
        smtplib.SMTP("127.0.0.1", port, timeout=2)


def test_mail_server_command_for_instructors(tmp_path):
    port = maillab.free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kynangso.cli",
            "mail-server",
            "--port",
            str(port),
            "--out",
            str(tmp_path),
            "--seconds",
            "6",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30  # the command line imports every verb's module first (seconds)
        while not maillab._port_open("127.0.0.1", port):
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.send_message(official_message())
        out, _ = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 0
    assert f"smtp://127.0.0.1:{port}" in out and SUBJECT in out and "Đã dừng" in out
    [saved] = list(tmp_path.glob("*.eml"))
    assert email.message_from_bytes(saved.read_bytes(), policy=email.policy.default)["Subject"] == SUBJECT
    assert not maillab._port_open("127.0.0.1", port)


def test_knows_which_user_a_connection_comes_from():
    """The lab serves only its own user on a shared server: it reads the client's owner from the
    kernel's socket table (the refusal of another user's program is tested on the hub, with two
    officials' system users: test_hub_browser)."""
    import os
    import socket

    with maillab.MailLab() as lab, socket.create_connection((lab.host, lab.port)) as client:
        assert maillab.peer_uid(client.getsockname(), (lab.host, lab.port)) == os.getuid()
        assert maillab.peer_uid(client.getsockname(), (lab.host, lab.port + 1)) is None  # not this connection
