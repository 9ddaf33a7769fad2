//! The what-if page in a real browser: headless Chromium (the system's, never a
//! downloaded build) driven through the DevTools protocol over `--remote-debugging-pipe`
//! (JSON messages separated by NUL bytes on file descriptors 3 and 4, no WebSocket, no
//! crate). It loads the page, changes a lever, waits for a chart title and a figure to
//! change, pins, changes again, downloads the scenario, and checks that the scenario
//! validates and that `whoruns run` on it gives the numbers the page shows. Skipped, with
//! a note, where no Chromium is installed.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::serve::serve;

/// A tiny DevTools client: one page session.
struct Browser {
    child: Child,
    to: ChildStdin,
    from: Receiver<Value>,
    next: u64,
    session: String,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn chromium() -> Option<String> {
    ["chromium", "chromium-browser"].into_iter().find_map(|c| {
        Command::new("sh")
            .args(["-c", &format!("command -v {c}")])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    })
}

impl Browser {
    fn launch(path: &str) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        // The shell puts our pipes on the descriptors Chromium reads (3) and writes (4).
        let script = format!(
            "exec '{path}' --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update --disable-sync --window-size=1440,1000 --user-data-dir='{}' --remote-debugging-pipe 3<&0 4>&1 0</dev/null 1>/dev/null 2>/dev/null",
            profile.path().display()
        );
        let mut child = Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let to = child.stdin.take().unwrap();
        let out = child.stdout.take().unwrap();
        let (tx, from) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(out);
            let mut buf = Vec::new();
            while r.read_until(0, &mut buf).is_ok_and(|n| n > 0) {
                buf.pop();
                if let Ok(v) = serde_json::from_slice::<Value>(&buf)
                    && tx.send(v).is_err()
                {
                    return;
                }
                buf.clear();
            }
        });
        let mut b = Browser {
            child,
            to,
            from,
            next: 0,
            session: String::new(),
            _profile: profile,
        };
        let target = b.call("Target.createTarget", json!({"url": "about:blank"}), false);
        let id = target["targetId"].as_str().unwrap().to_string();
        let attached = b.call(
            "Target.attachToTarget",
            json!({"targetId": id, "flatten": true}),
            false,
        );
        b.session = attached["sessionId"].as_str().unwrap().to_string();
        b
    }

    /// Sends a command and waits for its result (events are ignored).
    fn call(&mut self, method: &str, params: Value, in_page: bool) -> Value {
        self.next += 1;
        let mut m = json!({"id": self.next, "method": method, "params": params});
        if in_page {
            m["sessionId"] = json!(self.session);
        }
        let mut bytes = serde_json::to_vec(&m).unwrap();
        bytes.push(0);
        self.to.write_all(&bytes).unwrap();
        self.to.flush().unwrap();
        loop {
            let v = self
                .from
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("no reply to {method}"));
            if v["id"].as_u64() == Some(self.next) {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    /// Evaluates `js` in the page (awaiting a promise): its value, or the exception.
    fn try_eval(&mut self, js: &str) -> Result<Value, Value> {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": js, "awaitPromise": true, "returnByValue": true}),
            true,
        );
        match r.get("exceptionDetails") {
            Some(e) => Err(e.clone()),
            None => Ok(r["result"]["value"].clone()),
        }
    }

    /// Evaluates `js` in the page (awaiting a promise) and returns its value.
    fn eval(&mut self, js: &str) -> Value {
        self.try_eval(js).unwrap_or_else(|e| panic!("{js}: {e}"))
    }

    /// Waits until `js` is truthy; its value.
    fn until(&mut self, what: &str, js: &str) -> Value {
        let started = Instant::now();
        loop {
            // Before the page has loaded, its elements are missing: not yet.
            let v = self.try_eval(js).unwrap_or(Value::Null);
            if !(v.is_null() || v == json!(false) || v == json!("")) {
                return v;
            }
            assert!(
                started.elapsed() < Duration::from_secs(180),
                "timed out waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

const SETTLED: &str = "!document.body.classList.contains('stale') && !document.querySelector('#status').classList.contains('sharpening') && document.querySelector('#status b') && document.querySelector('#status').textContent";
const TITLE: &str = "document.querySelector('#chart-cost_breakdown h3')?.textContent";
const CELL: &str =
    "document.querySelector('#results tr[data-model=\"you-run\"] td:nth-child(5)')?.textContent";

fn set_lever(b: &mut Browser, id: &str, value: f64) {
    b.eval(&format!(
        "(() => {{ const i = document.querySelector('input[data-id=\"{id}\"]'); i.value = '{value}'; i.dispatchEvent(new Event('input', {{bubbles: true}})); return true; }})()"
    ));
}

#[test]
fn the_page_in_headless_chromium_answers_pins_and_hands_over_the_clis_numbers() {
    let Some(path) = chromium() else {
        eprintln!("note: no chromium on this machine; the browser test did not run");
        return;
    };
    let s = serve(
        crate::serve::SCENARIO,
        &[
            "--first",
            "4",
            "--max-replications",
            "8",
            "--precision",
            "0.0001",
        ],
    );
    let mut b = Browser::launch(&path);
    b.call("Page.enable", json!({}), true);
    b.call(
        "Page.navigate",
        json!({"url": format!("http://{}/", s.addr)}),
        true,
    );
    b.until("the first answer", SETTLED);
    let title = b.until("a chart title", TITLE);
    let cell = b.until("the table", CELL);
    // A lever: much dearer standby pay changes the cost breakdown's title and the cost.
    set_lever(&mut b, "costs.standby_per_hour", 400.0);
    b.until(
        "the operating cost to change",
        &format!("document.querySelector('#status').textContent.includes('8 replications') && !document.body.classList.contains('stale') && ({CELL}) !== {cell}"),
    );
    b.until("the final answer", SETTLED);
    let title2 = b.eval(TITLE);
    assert_ne!(
        title2, title,
        "the cost breakdown's title follows the numbers"
    );
    // An invalid value shows the scenario's message beside its input; the answer stays.
    set_lever(&mut b, "costs.callout_per_page", -1.0);
    let problem = b.until(
        "the problem beside its lever",
        "document.querySelector('.problem[data-for=\"costs.callout_per_page\"]').textContent",
    );
    assert!(
        problem.as_str().unwrap().contains("callout_per_page"),
        "{problem}"
    );
    set_lever(&mut b, "costs.callout_per_page", 50.0);
    b.until("the edit to be accepted", "document.querySelector('.problem[data-for=\"costs.callout_per_page\"]').textContent === ''");
    b.until("the answer again", SETTLED);
    // Pin, then change again: the differences against the pin appear.
    b.eval("document.getElementById('pin').click(); true");
    b.until("the pin", "!document.getElementById('pinned').hidden");
    set_lever(&mut b, "teams.0.headcount", 12.0);
    b.until(
        "differences against the pin",
        "document.querySelectorAll('#diffs tr').length > 1 && document.querySelector('#changes').textContent.includes('Team a')",
    );
    b.until("the final answer", SETTLED);
    // The scenario downloaded from the page validates, and the CLI gives the page's numbers.
    let text = b.eval("fetch('/api/scenario.toml').then(r => r.text())");
    let text = text.as_str().unwrap();
    let cells: Vec<String> = serde_json::from_value(b.eval(
        "[...document.querySelectorAll('#results td:not(:first-child)')].map(td => td.textContent)",
    ))
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("from-the-page.toml");
    std::fs::write(&file, text).unwrap();
    let bin = env!("CARGO_BIN_EXE_whoruns");
    let v = Command::new(bin)
        .arg("validate")
        .arg(&file)
        .output()
        .unwrap();
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
    let out = dir.path().join("out");
    let r = Command::new(bin)
        .arg("run")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .arg("-q")
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(cells.len() >= 10, "{cells:?}");
    for c in &cells {
        assert!(
            report.contains(c.as_str()),
            "the page shows {c}, the CLI's report does not"
        );
    }
}
