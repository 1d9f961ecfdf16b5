namespace MailFilter.AuthServer.Web;

/// <summary>The whitelist page's HTML and script (no inline script: the Content-Security-Policy forbids it).</summary>
internal static class WhitelistPageText
{
    public const string Html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>MailFilter whitelist</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        </head>
        <body>
        <h1>Your whitelist</h1>
        <p id="status" role="status"></p>
        <section id="login">
          <form id="login-form">
            <label>Name <input id="name" name="name" autocomplete="username" required maxlength="64"></label>
            <label>Password <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024"></label>
            <button id="login-button" type="submit">Sign in</button>
          </form>
        </section>
        <section id="list" hidden>
          <p>Version <span id="version"></span>. Mail from you to other domains reaches only these addresses and domains.</p>
          <table>
            <thead><tr><th>Address or domain</th><th>Name</th><th>Nickname</th><th>Notes</th><th></th></tr></thead>
            <tbody id="entries"></tbody>
          </table>
          <h2>Add or edit</h2>
          <form id="add-form">
            <label>Address or domain <input id="target" required maxlength="255"></label>
            <label>Name <input id="contact" maxlength="200"></label>
            <label>Nickname <input id="nickname" maxlength="100"></label>
            <label>Notes <input id="notes" maxlength="2000"></label>
            <button id="add-button" type="submit">Add</button>
          </form>
        </section>
        <script src="/whitelist.js"></script>
        </body>
        </html>
        """;

    public const string Script = """
        'use strict';
        let creds = null;
        const $ = id => document.getElementById(id);

        async function call(path, body) {
          const response = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
          const data = await response.json().catch(() => ({}));
          if (!response.ok) {
            throw new Error(data.message || ('HTTP ' + response.status));
          }
          return data;
        }

        function show(message, isError) {
          $('status').textContent = message;
          $('status').className = isError ? 'error' : 'ok';
        }

        async function load() {
          const list = await call('/v1/whitelist', creds);
          $('version').textContent = String(list.version);
          const rows = $('entries');
          rows.replaceChildren();
          for (const e of list.entries) {
            const target = e.address || e.domain;
            const tr = document.createElement('tr');
            tr.dataset.target = target;
            for (const text of [target, e.name || '', e.nickname || '', e.notes || '']) {
              const td = document.createElement('td');
              td.textContent = text;
              tr.append(td);
            }
            const td = document.createElement('td');
            const button = document.createElement('button');
            button.textContent = 'Remove';
            button.className = 'remove';
            button.addEventListener('click', () => remove(target));
            td.append(button);
            tr.append(td);
            rows.append(tr);
          }
        }

        async function remove(target) {
          try {
            const change = await call('/v1/whitelist/remove', { ...creds, targets: [target] });
            await load();
            show('removed ' + target + '; version ' + change.version, false);
          } catch (e) {
            show(e.message, true);
          }
        }

        $('login-form').addEventListener('submit', async ev => {
          ev.preventDefault();
          creds = { name: $('name').value, password: $('password').value };
          try {
            await load();
            $('login').hidden = true;
            $('list').hidden = false;
            show('signed in as ' + creds.name, false);
          } catch (e) {
            creds = null;
            show(e.message, true);
          }
        });

        $('add-form').addEventListener('submit', async ev => {
          ev.preventDefault();
          const target = $('target').value.trim();
          const entry = target.includes('@') ? { address: target } : { domain: target };
          entry.name = $('contact').value || null;
          entry.nickname = $('nickname').value || null;
          entry.notes = $('notes').value || null;
          try {
            const change = await call('/v1/whitelist/add', { ...creds, entries: [entry] });
            $('add-form').reset();
            await load();
            show('added ' + target + '; version ' + change.version, false);
          } catch (e) {
            show(e.message, true);
          }
        });
        """;
}
