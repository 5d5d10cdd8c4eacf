/* codecard account pages: register or log in on the endpoint's own origin, then hand the
 * session to the card that opened this window. The password never leaves this page except to
 * this origin's API. */
(function () {
  "use strict";
  var params = new URLSearchParams(location.hash.slice(1));
  var origin = params.get("origin"); // the host page that opened us; messages go only there
  var visitor = params.get("visitor"); // the guest's token, so its views carry over
  var mode = document.body.getAttribute("data-mode");
  var form = document.getElementById("form");
  var message = document.getElementById("message");
  var submit = document.getElementById("submit");
  var switcher = document.getElementById("switch");

  switcher.href = switcher.getAttribute("href") + location.hash;
  if (origin) {
    document.getElementById("site").textContent = origin;
    document.getElementById("for").hidden = false;
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
    message.textContent = "";
    submit.disabled = true;
    var body = {
      email: document.getElementById("email").value,
      password: document.getElementById("password").value,
      visitor_token: visitor || null,
    };
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
