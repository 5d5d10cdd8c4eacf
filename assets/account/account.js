/* codecard account pages: register or log in on the endpoint's own origin, then hand the
 * session to the card that opened this window. The password never leaves this page except to
 * this origin's API. */
(function () {
  "use strict";
  var params = new URLSearchParams(location.hash.slice(1));
  var named = params.get("origin"); // the host page that opened us, as it says
  // The session goes to this one exact origin only, never "*": a page could open this window
  // naming any origin, so it must be one the browser parses to exactly that text, the one shown
  // to the person, and the server binds the session to it (and, with site keys, checks it).
  var origin = exactOrigin(named);
  var visitor = params.get("visitor"); // the guest's token, so its views carry over
  var siteKey = params.get("key"); // the widget's site key, when the page has one
  var mode = document.body.getAttribute("data-mode");
  var form = document.getElementById("form");
  var message = document.getElementById("message");
  var submit = document.getElementById("submit");
  var switcher = document.getElementById("switch");

  switcher.href = switcher.getAttribute("href") + location.hash;
  if (origin) {
    document.getElementById("site").textContent = origin;
    document.getElementById("for").hidden = false;
  } else if (named !== null) {
    message.textContent = "This window was opened for an address that is not a web site, so it cannot log you in there.";
    submit.disabled = true;
  }

  function exactOrigin(text) {
    if (!text) return null;
    var url;
    try {
      url = new URL(text);
    } catch (e) {
      return null;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    return url.origin === text ? url.origin : null;
  }

  function report(session) {
    if (!window.opener || !origin) return;
    try {
      window.opener.postMessage({ type: "codecard:session", session: session }, origin);
    } catch (e) {
      /* an origin that is not one: nothing to tell */
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!origin && named !== null) return; // opened for no exact origin: nothing is sent
    message.textContent = "";
    submit.disabled = true;
    var body = {
      email: document.getElementById("email").value,
      password: document.getElementById("password").value,
      visitor_token: visitor || null,
    };
    if (origin) body.origin = origin;
    if (siteKey) body.site_key = siteKey;
    fetch("/v1/account/" + mode, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    })
      .then(function (response) {
        return response.json().then(
          function (json) { return { ok: response.ok, json: json }; },
          function () { return { ok: false, json: null }; }
        );
      })
      .then(function (result) {
        if (!result.ok) {
          message.textContent = (result.json && result.json.error && result.json.error.message) ||
            "The code service answered with an error. Try again.";
          return;
        }
        report(result.json);
        form.hidden = true;
        document.getElementById("done").hidden = false;
        if (window.opener) setTimeout(function () { window.close(); }, 800);
      })
      .catch(function () {
        message.textContent = "The code service cannot be reached. Check your connection and try again.";
      })
      .then(function () { submit.disabled = false; });
  });
})();
