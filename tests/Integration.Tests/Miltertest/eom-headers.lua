-- F9, F12-F14: headers with an empty value and a fold; add, insert at an index, change the 2nd of two, delete.
function fail(msg) mt.echo("FAIL: " .. msg); error(msg) end
conn = mt.connect(socket)
if conn == nil then fail("connect failed") end
if mt.conninfo(conn, "localhost", "127.0.0.1") ~= nil then fail("conninfo failed") end
mt.macro(conn, SMFIC_MAIL, "i", "MTQID0001")
if mt.mailfrom(conn, "<a@example.test>") ~= nil then fail("mailfrom failed") end
if mt.rcptto(conn, "<b@example.test>") ~= nil then fail("rcpt failed") end
if mt.rcptto(conn, "<gone@example.test>") ~= nil then fail("rcpt 2 failed") end
mt.header(conn, "From", "a@example.test")
mt.header(conn, "X-Empty", "")
mt.header(conn, "X-Folded", "part one\n\tpart two")
mt.header(conn, "X-Dup", "one")
mt.header(conn, "X-Dup", "two")
mt.header(conn, "X-Test-Add", "X-T: v")
mt.header(conn, "X-Test-Insert", "1 X-Ins: at one")
mt.header(conn, "X-Test-Change", "X-Dup 2 changed")
mt.header(conn, "X-Test-Change", "X-Empty 1")
if mt.eoh(conn) ~= nil then fail("eoh failed") end
if mt.bodystring(conn, "body\r\n") ~= nil then fail("body failed") end
if mt.eom(conn) ~= nil then fail("eom failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("eom reply") end
if not mt.eom_check(conn, MT_HDRADD, "X-T", " v") then fail("X-T not added") end
-- Position 1 among the visible headers; the trace stage then puts its header on top, so index 3
-- (Postfix adds 1 for its own Received).
if not mt.eom_check(conn, MT_HDRINSERT, "X-Ins", " at one", 3) then fail("X-Ins not inserted at index 3") end
if not mt.eom_check(conn, MT_HDRINSERT, "X-MailFilter-Trace") then fail("no trace header") end
if not mt.eom_check(conn, MT_HDRCHANGE, "X-Dup", " changed") then fail("X-Dup not changed") end
if not mt.eom_check(conn, MT_HDRDELETE, "X-Empty") then fail("X-Empty not deleted") end
mt.disconnect(conn)
