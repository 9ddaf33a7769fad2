//! Incident-log reading and calibration: any bytes as a CSV file (or as PagerDuty API
//! JSON) give a calibration, a per-field account of bad fields or a clear error, never a
//! panic. The bytes go through a file because calibrate scans CSV lazily from a path, as
//! the command does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use whoruns::calibrate::{self, fragment, log};

fuzz_target!(|data: &[u8]| {
    if let Ok(log) = calibrate::pagerduty::read(data, &log::ReadOptions::default()) {
        let _ = fragment::summary(&log);
        if let Ok(cal) = calibrate::calibrate(&log, calibrate::FitOptions { min_incidents: 3 }) {
            let _ = fragment::fragment(&cal, &log, "fuzz.json");
        }
    }
    let path = std::env::temp_dir().join(format!("whoruns-fuzz-{}.csv", std::process::id()));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let Ok(frame) = log::scan_csv(&path) else {
        return;
    };
    let Ok(log) = log::read(frame, &log::ReadOptions::default()) else {
        return;
    };
    let _ = fragment::summary(&log);
    let _ = fragment::skipped_frame(&log);
    if let Ok(cal) = calibrate::calibrate(&log, calibrate::FitOptions { min_incidents: 3 }) {
        let _ = fragment::fragment(&cal, &log, "fuzz.csv");
        let _ = fragment::fit_frame(&cal);
        let _ = fragment::table(&cal);
    }
});
