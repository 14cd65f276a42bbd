"""Bounces and complaints (issue 23): SES notifications (shaped as AWS documents them,
delivered through SNS to app.email_feedback) suppress the address: nothing more is sent to
it (after a complaint, only links the person asks for), and GET /v1/me/email-status gives
the web app its banner until the user changes the address or asks for email again."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.notify import notify
from tests.support.factories import call, signup
from tests.support.mail import sent_mime


def bounce(address: str, bounce_type: str = "Permanent") -> dict[str, Any]:
    """A bounce notification as SES publishes it (notificationType format)."""
    return {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": bounce_type,
            "reportingMTA": "dns; email.example.com",
            "bouncedRecipients": [
                {
                    "emailAddress": address,
                    "status": "5.1.1",
                    "action": "failed",
                    "diagnosticCode": f"smtp; 550 5.1.1 <{address}>... User unknown",
                }
            ],
            "bounceSubType": "General" if bounce_type == "Permanent" else "MailboxFull",
            "timestamp": "2016-01-27T14:59:38.237Z",
            "feedbackId": "00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa068a-000000",
            "remoteMtaIp": "127.0.2.0",
        },
        "mail": _mail(address),
    }


def complaint(address: str) -> dict[str, Any]:
    """A complaint as SES publishes it through a configuration set (eventType format)."""
    return {
        "eventType": "Complaint",
        "complaint": {
            "userAgent": "AnyCompany Feedback Loop (V0.01)",
            "complainedRecipients": [{"emailAddress": address}],
            "complaintFeedbackType": "abuse",
            "arrivalDate": "2016-01-27T14:59:38.237Z",
            "timestamp": "2016-01-27T14:59:38.237Z",
            "feedbackId": "000001378603177f-18c07c78-fa81-4a58-9dd1-fedc3cb8f49a-000000",
        },
        "mail": _mail(address),
    }


def _mail(address: str) -> dict[str, Any]:
    return {
        "timestamp": "2016-01-27T14:59:38.237Z",
        "source": "no-reply@schedulo.local",
        "sourceArn": "arn:aws:ses:us-east-1:123456789012:identity/schedulo.local",
        "sendingAccountId": "123456789012",
        "messageId": "00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa0680-000000",
        "destination": [address],
        "headersTruncated": False,
        "commonHeaders": {"from": ["Schedulo <no-reply@schedulo.local>"], "to": [address]},
    }


def deliver_feedback(notification: dict[str, Any]) -> None:
    """What SNS does with the topic's message: invoke the subscribed Lambda with a record."""
    import app

    topic = "arn:aws:sns:us-east-1:123456789012:schedulo-test-email-feedback"
    record = {
        "EventSource": "aws:sns",
        "EventVersion": "1.0",
        "EventSubscriptionArn": f"{topic}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55",
        "Sns": {
            "Type": "Notification",
            "MessageId": "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
            "TopicArn": topic,
            "Subject": None,
            "Message": json.dumps(notification),
            "Timestamp": "2016-01-27T14:59:38.237Z",
            "SignatureVersion": "1",
            "Signature": "EXAMPLE",
            "SigningCertUrl": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService.pem",
            "UnsubscribeUrl": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
            "MessageAttributes": {},
        },
    }
    app.email_feedback({"Records": [record]}, None)


def _status(client, user):  # type: ignore[no-untyped-def]
    return call(client, "GET", "/v1/me/email-status", headers=user.headers)


def test_a_permanent_bounce_stops_email_and_shows_the_banner(client):
    owner = signup(client)
    assert _status(client, owner).json["suppressed"] is False
    deliver_feedback(bounce(owner.email.upper()))

    status = _status(client, owner).json
    assert status["suppressed"] is True and status["reason"] == "bounce"
    assert status["message"] == f"Emails to {owner.email} bounced: update your address."

    before = len(sent_mime(owner.email))
    notify(owner.workspace_id, "post.failed", "A post did not go out", "why", "/posts/p_1")
    asked = call(client, "POST", "/v1/auth/password-reset", {"email": owner.email})
    assert asked.status_code == 202  # the same answer; nothing goes to a bouncing mailbox
    assert len(sent_mime(owner.email)) == before

    resumed = call(client, "DELETE", "/v1/me/email-status", headers=owner.headers)
    assert resumed.status_code == 200 and resumed.json["suppressed"] is False
    notify(owner.workspace_id, "post.failed", "A post did not go out", "again", "/posts/p_2")
    assert len(sent_mime(owner.email)) == before + 1


def test_a_complaint_stops_notifications_but_not_a_reset_the_person_asks_for(client):
    owner = signup(client)
    deliver_feedback(complaint(owner.email))
    assert _status(client, owner).json["reason"] == "complaint"
    before = len(sent_mime(owner.email))
    notify(owner.workspace_id, "account.expiring", "Access expires soon", "x", "/accounts")
    assert len(sent_mime(owner.email)) == before
    assert (
        call(client, "POST", "/v1/auth/password-reset", {"email": owner.email}).status_code == 202
    )
    (reset,) = sent_mime(owner.email)[before:]
    assert "Reset your Schedulo password" in str(reset["Subject"])


def test_soft_bounces_and_deliveries_suppress_nothing_and_junk_is_ignored(client):
    owner = signup(client)
    deliver_feedback(bounce(owner.email, "Transient"))
    deliver_feedback({"notificationType": "Delivery", "delivery": {}, "mail": _mail(owner.email)})
    from chalicelib.notify.feedback import handle_message

    assert handle_message("not json") == []
    assert handle_message(json.dumps({"notificationType": "Bounce", "bounce": None})) == []
    # An SNS envelope (an HTTPS subscription's body) carries the notification inside.
    envelope = {"Type": "Notification", "Message": json.dumps(bounce("x@example.com"))}
    assert handle_message(json.dumps(envelope)) == ["x@example.com"]
    assert _status(client, owner).json["suppressed"] is False


def test_the_local_stack_can_report_a_bounce_for_an_address(client):
    from local.email import feedback_now

    owner = signup(client)
    status, body = feedback_now(json.dumps({"address": owner.email}).encode())
    assert (status, body) == (200, {"suppressed": [owner.email]})
    assert _status(client, owner).json["reason"] == "bounce"
    assert feedback_now(b'{"address": "a@example.com", "kind": "spam"}')[0] == 422
