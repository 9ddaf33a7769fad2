//! `whoruns serve` through HTTP: the real binary on 127.0.0.1 with an ephemeral port.
//! A corpus of bad requests each gets a 4xx with its reason; an invalid value is refused
//! beside its lever while the last good answer stays; the page's numbers, downloaded
//! scenario and result folder are exactly what `whoruns run` gives for the same
//! replications and seed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const SCENARIO: &str = r#"# A small organisation for the server's tests.
name = "served"
horizon = "120d"
warmup = "30d"
replications = 50
seed = 7
models = ["you-run", "ops-run", "sre-run"]
reference_model = "you-run"

[costs]
standby_per_hour = 5   # assumption: standby pay
callout_per_page = 50

[[teams]]
name = "a"
headcount = 6

[[teams]]
name = "b"
headcount = 5

[[services]]
name = "s"
team = "a"
availability_target = 0.999
deploys_per_week = 5
change_failure_rate = 0.1

[[services]]
name = "t"
team = "b"
availability_target = 0.99
deploys_per_week = 1
change_failure_rate = 0.2
"#;

/// A running `whoruns serve`, killed when dropped.
pub struct Server {
    child: Child,
    /// `127.0.0.1:port`.
    pub addr: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the server on `text` with extra arguments.
pub fn serve(text: &str, extra: &[&str]) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("served.toml");
    std::fs::write(&file, text).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_whoruns"))
        .arg("serve")
        .arg(&file)
        .args(["--port", "0", "--threads", "2"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"));
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    Server {
        child,
        addr,
        _dir: dir,
    }
}

/// One response.
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }
}

/// A raw HTTP/1.1 request (`Connection: close`), with the given `Host`.
pub fn request(addr: &str, method: &str, path: &str, host: Option<&str>, body: &[u8]) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    if let Some(h) = host {
        head.push_str(&format!("Host: {h}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    // A refused body may close the connection before all of it is sent.
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head: {}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let mut body = raw[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    Reply { status, body }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(std::str::from_utf8(&b[..eol]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 4 + size..];
    }
}

impl Server {
    pub fn get(&self, path: &str) -> Reply {
        request(&self.addr, "GET", path, Some(&self.addr), b"")
    }
    pub fn post(&self, path: &str, body: &str) -> Reply {
        request(&self.addr, "POST", path, Some(&self.addr), body.as_bytes())
    }
    /// The latest answer once it is of `generation` and final.
    pub fn settled(&self, generation: u64) -> Value {
        let started = Instant::now();
        loop {
            let a = self.get("/api/answer").json();
            let d = &a["data"];
            if a["event"] == "failed" {
                panic!("the answer failed: {a}");
            }
            if d["generation"].as_u64() == Some(generation) && d["last"] == Value::Bool(true) {
                return d.clone();
            }
            assert!(
                started.elapsed() < Duration::from_secs(300),
                "no answer: {a}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The files of a ustar archive.
fn untar(mut b: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    while b.len() >= 512 && b[0] != 0 {
        let field = |r: std::ops::Range<usize>| {
            String::from_utf8_lossy(&b[r])
                .trim_end_matches('\0')
                .trim()
                .to_string()
        };
        let (name, prefix) = (field(0..100), field(345..500));
        let size = usize::from_str_radix(&field(124..135), 8).unwrap();
        let path = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        out.push((path, b[512..512 + size].to_vec()));
        b = &b[512 + size.div_ceil(512) * 512..];
    }
    out.sort();
    out
}

#[test]
fn bad_requests_get_a_4xx_with_their_reason_and_the_server_keeps_answering() {
    let s = serve(SCENARIO, &["--first", "4", "--max-replications", "4"]);
    let first = s.settled(1);
    let big = format!("{{\"values\": {{\"x\": \"{}\"}}}}", "a".repeat(200_000));
    let corpus: Vec<(&str, Reply, u16)> = vec![
        ("malformed JSON", s.post("/api/edit", "{\"values\": {"), 400),
        ("not an object", s.post("/api/edit", "[1, 2]"), 400),
        (
            "unknown field",
            s.post("/api/edit", "{\"file\": \"/etc/passwd\"}"),
            400,
        ),
        ("oversized body", s.post("/api/edit", &big), 413),
        (
            "unknown lever",
            s.post("/api/edit", "{\"values\": {\"costs.no_such_key\": 1}}"),
            400,
        ),
        (
            "path-like lever",
            s.post("/api/edit", "{\"values\": {\"../../etc/passwd\": 1}}"),
            400,
        ),
        (
            "path-like value",
            s.post(
                "/api/edit",
                "{\"values\": {\"costs.standby_per_hour\": \"/etc/passwd\"}}",
            ),
            400,
        ),
        (
            "unknown model",
            s.post("/api/edit", "{\"models\": [\"../you-run\"]}"),
            400,
        ),
        ("path-like URL", s.get("/../../etc/passwd"), 404),
        (
            "no such download",
            s.get("/api/scenario.toml/../../Cargo.toml"),
            404,
        ),
        (
            "wrong Host",
            request(&s.addr, "GET", "/", Some("evil.example:80"), b""),
            403,
        ),
        (
            "rebinding Host",
            request(
                &s.addr,
                "POST",
                "/api/edit",
                Some("attacker.example"),
                b"{}",
            ),
            403,
        ),
        (
            "no Host",
            request(&s.addr, "GET", "/api/levers", None, b""),
            400,
        ),
        (
            "wrong method",
            request(&s.addr, "DELETE", "/api/edit", Some(&s.addr), b""),
            405,
        ),
    ];
    for (what, reply, status) in &corpus {
        assert_eq!(reply.status, *status, "{what}: {}", reply.text());
        if *status != 405 {
            assert!(
                reply.text().len() > 10,
                "{what}: a reason: {}",
                reply.text()
            );
        }
    }
    // An invalid value: refused beside its lever, in the scenario's words; the last good
    // answer stays.
    let r = s.post(
        "/api/edit",
        "{\"values\": {\"costs.standby_per_hour\": -3}, \"last\": \"costs.standby_per_hour\"}",
    );
    assert_eq!(r.status, 422, "{}", r.text());
    let p = &r.json()["problems"][0];
    assert_eq!(p["lever"], "costs.standby_per_hour", "{p}");
    assert!(
        p["message"].as_str().unwrap().contains("standby_per_hour"),
        "{p}"
    );
    let still = s.get("/api/answer").json();
    assert_eq!(still["data"]["generation"], first["generation"]);
    // And the server still answers a good edit.
    let r = s.post("/api/edit", "{\"values\": {\"costs.standby_per_hour\": 8}}");
    assert_eq!(r.status, 202, "{}", r.text());
    let g = r.json()["generation"].as_u64().unwrap();
    assert_eq!(s.settled(g)["changes"][0]["id"], "costs.standby_per_hour");
    let page = s.get("/");
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains("<script>")
            && !page.text().contains("http://")
            && !page.text().contains("https://"),
        "self-contained"
    );
}

#[test]
fn the_pages_numbers_and_downloads_are_the_clis() {
    let s = serve(
        SCENARIO,
        &[
            "--first",
            "5",
            "--max-replications",
            "10",
            "--precision",
            "0.0001",
        ],
    );
    s.settled(1);
    let edit = r#"{"values": {"costs.standby_per_hour": 12.5, "teams.1.headcount": 7, "tier.1.deploys_per_week": 3},
                   "models": ["ops-run", "you-run"], "reference": "you-run", "last": "teams.1.headcount"}"#;
    let r = s.post("/api/edit", edit);
    assert_eq!(r.status, 202, "{}", r.text());
    let g = r.json()["generation"].as_u64().unwrap();
    let a = s.settled(g);
    assert_eq!(a["replications"], 10);
    assert_eq!(a["charts"].as_array().unwrap().len(), 4);
    // Pin, change again: paired differences against the pin.
    assert_eq!(s.post("/api/pin", "").status, 200);
    let r = s.post("/api/edit", &edit.replace("12.5", "40"));
    let g2 = r.json()["generation"].as_u64().unwrap();
    let b = s.settled(g2);
    let rows = b["pin"]["rows"].as_array().unwrap();
    let cost = rows
        .iter()
        .find(|r| r["model"] == "you-run" && r["metric"] == "cost_operating")
        .unwrap();
    assert!(
        cost["diff"].as_f64().unwrap() > 0.0,
        "more standby pay costs more: {cost}"
    );
    // Back to the first edit: its downloads.
    let g3 = s.post("/api/edit", edit).json()["generation"]
        .as_u64()
        .unwrap();
    let a3 = s.settled(g3);
    assert_eq!(a3["rows"], a["rows"], "the same edit, the same numbers");
    let toml = s.get("/api/scenario.toml");
    assert_eq!(toml.status, 200);
    let text = toml.text();
    assert!(
        text.contains(
            "standby_per_hour = 12.5  # was 5 (whoruns serve: Standby pay); assumption: standby pay"
        ),
        "{text}"
    );
    assert!(
        text.contains("# A small organisation"),
        "comments kept: {text}"
    );
    assert!(text.contains("replications = 10"), "{text}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("edited.toml");
    std::fs::write(&file, &text).unwrap();
    let out = dir.path().join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_whoruns"))
        .arg("run")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .arg("-q")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let tar = s.get("/api/results.tar");
    assert_eq!(tar.status, 200, "{}", tar.text());
    let served: Vec<(String, Vec<u8>)> = untar(&tar.body)
        .into_iter()
        .map(|(p, b)| (p.trim_start_matches("served/").to_string(), b))
        .collect();
    let cli = crate::common::tree(&out);
    assert_eq!(
        served.iter().map(|f| &f.0).collect::<Vec<_>>(),
        cli.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((p, a), (_, b)) in served.iter().zip(&cli) {
        assert!(a == b, "{p} differs from the CLI's");
    }
    // The page's table cells are the report's.
    let report =
        String::from_utf8_lossy(&cli.iter().find(|f| f.0 == "report.md").unwrap().1).to_string();
    for row in a["rows"].as_array().unwrap() {
        for cell in row["cells"].as_array().unwrap() {
            assert!(
                report.contains(cell.as_str().unwrap()),
                "{cell} not in the report"
            );
        }
    }
}

#[test]
fn sigterm_stops_the_server_even_with_a_page_listening() {
    let mut server = serve(SCENARIO, &[]);
    // A page listening to the live answers: a response that never ends by itself.
    let mut page = TcpStream::connect(&server.addr).unwrap();
    write!(
        page,
        "GET /api/events HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.addr
    )
    .unwrap();
    let mut first = [0u8; 64];
    page.set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let _ = page.read(&mut first).unwrap();
    // The standard library sends only SIGKILL; procps' `kill` sends SIGTERM.
    let Ok(killed) = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
    else {
        eprintln!("no `kill` command on this machine: SIGTERM not tested");
        return;
    };
    assert!(killed.success());
    let gone = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(Instant::now() < gone, "still serving 30 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn answers_stream_as_server_sent_events_until_the_last() {
    let s = serve(
        SCENARIO,
        &[
            "--first",
            "3",
            "--max-replications",
            "12",
            "--precision",
            "0.0001",
        ],
    );
    s.settled(1);
    let mut stream = TcpStream::connect(&s.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    write!(
        stream,
        "GET /api/events HTTP/1.1\r\nHost: {}\r\n\r\n",
        s.addr
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let r = s.post(
        "/api/edit",
        "{\"values\": {\"costs.callout_per_page\": 80}}",
    );
    let g = r.json()["generation"].as_u64().unwrap();
    let mut seen = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        assert!(reader.read_line(&mut line).unwrap() > 0, "the stream ended");
        let Some(data) = line.strip_prefix("data: ") else {
            continue;
        };
        let v: Value = serde_json::from_str(data.trim()).unwrap();
        if v["generation"].as_u64() != Some(g) {
            continue;
        }
        seen.push(v["replications"].as_u64().unwrap());
        if v["last"] == Value::Bool(true) {
            break;
        }
    }
    assert_eq!(seen.last(), Some(&12), "{seen:?}");
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "answers sharpen: {seen:?}"
    );
}

#[test]
fn twenty_clients_changing_levers_get_no_error_and_the_server_still_answers() {
    let s = serve(SCENARIO, &["--first", "4", "--max-replications", "64"]);
    s.settled(1);
    let addr = s.addr.clone();
    let until = Instant::now() + Duration::from_secs(5);
    let clients: Vec<_> = (0..20)
        .map(|k| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut replies = Vec::new();
                let mut i = 0;
                while Instant::now() < until {
                    i += 1;
                    let body = format!(
                        "{{\"values\": {{\"costs.standby_per_hour\": {}, \"teams.0.headcount\": {}}}}}",
                        5 + (k * 7 + i) % 40,
                        3 + i % 6
                    );
                    let r = request(&addr, "POST", "/api/edit", Some(&addr), body.as_bytes());
                    replies.push(r.status);
                    if i % 5 == 0 {
                        replies.push(request(&addr, "GET", "/api/answer", Some(&addr), b"").status);
                    }
                }
                replies
            })
        })
        .collect();
    let mut n = 0;
    for c in clients {
        for status in c.join().unwrap() {
            assert!(status == 202 || status == 200, "status {status}");
            n += 1;
        }
    }
    assert!(n >= 20, "{n} requests");
    // Still answering: a last edit settles.
    let g = s
        .post("/api/edit", "{\"values\": {\"costs.standby_per_hour\": 6}}")
        .json()["generation"]
        .as_u64()
        .unwrap();
    assert_eq!(s.settled(g)["generation"].as_u64(), Some(g));
}
