"""What the lab's Python UAs share: answering the requests that come back over their flow."""


def answers(data, contact):
    """The 200 OK for each INVITE or BYE in @data (one or more messages), echoing the headers a
    response carries (RFC 3261 §8.2.6.2) and giving @contact (a Contact header line)."""
    out = []
    for msg in data.split(b"\r\n\r\n"):
        msg = msg.lstrip(b"\r\n")
        if not (msg.startswith(b"INVITE ") or msg.startswith(b"BYE ")):
            continue
        names = (b"via", b"record-route", b"from", b"to", b"call-id", b"cseq")
        keep = [l for l in msg.split(b"\r\n")[1:] if l.split(b":")[0].strip().lower() in names]
        keep = [l + b";tag=ua200" if l.lower().startswith(b"to:") and b"tag=" not in l else l
                for l in keep]
        out.append(b"SIP/2.0 200 OK\r\n" + b"\r\n".join(keep) + b"\r\n" + contact.encode() +
                   b"\r\nContent-Length: 0\r\n\r\n")
    return out
