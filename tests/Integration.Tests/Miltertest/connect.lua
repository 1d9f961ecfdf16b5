-- F4/F5/F6/F7/F19: connection info for every family, macros, HELO twice, MAIL with ESMTP args, UNKNOWN.
function fail(msg) mt.echo("FAIL: " .. msg); error(msg) end
conn = mt.connect(socket)
if conn == nil then fail("connect failed") end
mt.macro(conn, SMFIC_CONNECT, "j", "mx.example.test", "{daemon_name}", "smtpd")
if mt.conninfo(conn, "client.example.org", "192.0.2.10") ~= nil then fail("conninfo failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("conninfo ipv4 reply") end
if mt.helo(conn, "first.example.org") ~= nil then fail("helo failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("helo reply") end
if mt.helo(conn, "second.example.org") ~= nil then fail("second helo failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("second helo reply") end
if mt.unknown(conn, "XFOO") ~= nil then fail("unknown failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("unknown reply") end
if mt.mailfrom(conn, "<a@x.example>", "SIZE=10", "BODY=8BITMIME") ~= nil then fail("mailfrom failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("mailfrom reply") end
mt.disconnect(conn)

conn = mt.connect(socket)
if mt.conninfo(conn, "localhost", "unspec") ~= nil then fail("conninfo unspec failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("conninfo unspec reply") end
mt.disconnect(conn)

conn = mt.connect(socket)
if mt.conninfo(conn, "localhost", "::1") ~= nil then fail("conninfo ipv6 failed") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("conninfo ipv6 reply") end
mt.disconnect(conn)
