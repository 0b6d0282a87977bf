//! What a [`Client`] shows about itself: dask's `Client` repr (workers, threads, memory, where
//! the dashboard is), as an HTML table in a notebook and as text on a terminal.

use serde::Serialize;

use super::Client;
use crate::display::html_escape;
use crate::limits::{human_bytes, total_memory};

/// What a notebook cell holding `client` as its last expression shows, like dask's `Client`
/// repr. Made by [`Client::summary`]; shown by [`Client::evcxr_display`] and `Display`.
///
/// # Examples
///
/// ```
/// use parlab::dask::Client;
///
/// let client = Client::new(2)?;
/// let summary = client.summary();
/// assert_eq!((summary.workers, summary.total_threads), (2, 2));
/// assert!(summary.to_html().contains("<b>Workers:</b> 2</td>"));
/// assert!(summary.to_string().contains("Dashboard: not started"));
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Worker threads (dask's "Workers").
    pub workers: usize,
    /// Threads per worker: always 1 (a dask worker may run several).
    pub threads_per_worker: usize,
    /// Threads in all (dask's "Total threads").
    pub total_threads: usize,
    /// The machine's memory in bytes (dask's "Total memory"), `None` where unknown.
    pub total_memory: Option<u64>,
    /// Cores this machine has.
    pub cores: usize,
    /// Where the dashboard is, once one was started and given to the client.
    pub dashboard: Option<String>,
}

impl Client {
    /// The client's summary: workers, threads, memory and where the dashboard is (the URL given
    /// to [`set_dashboard_url`](Self::set_dashboard_url), else the dashboard this process runs,
    /// if one was started with `parlab::dashboard::start()`).
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::dask::Client;
    ///
    /// let mut client = Client::new(1)?;
    /// client.set_dashboard_url("http://127.0.0.1:8787/status");
    /// let summary = client.summary();
    /// assert_eq!(summary.dashboard.as_deref(), Some("http://127.0.0.1:8787/status"));
    /// assert_eq!(summary.threads_per_worker, 1);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn summary(&self) -> Summary {
        Summary {
            workers: self.workers,
            threads_per_worker: 1,
            total_threads: self.workers,
            total_memory: total_memory(),
            cores: crate::backends::cpu_count(),
            dashboard: self.dashboard.clone().or_else(crate::backends::watched_at),
        }
    }

    /// Records where a running dashboard is (`http://127.0.0.1:PORT/...`), so that the summary
    /// shows it as a link (dask's "Dashboard: http://127.0.0.1:8787/status").
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::dask::Client;
    ///
    /// let mut client = Client::new(1)?;
    /// assert_eq!(client.dashboard_url(), None);
    /// client.set_dashboard_url("http://127.0.0.1:8787/");
    /// assert_eq!(client.dashboard_url(), Some("http://127.0.0.1:8787/"));
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn set_dashboard_url(&mut self, url: impl Into<String>) {
        self.dashboard = Some(url.into());
    }

    /// Where the dashboard is, if one was recorded with [`set_dashboard_url`](Self::set_dashboard_url).
    pub fn dashboard_url(&self) -> Option<&str> {
        self.dashboard.as_deref()
    }

    /// Shows the client's [`Summary`] as an HTML table in an evcxr notebook (a cell whose last
    /// expression is `client`).
    pub fn evcxr_display(&self) {
        crate::display::evcxr("text/html", &self.summary().to_html());
    }
}

impl std::fmt::Display for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.summary().fmt(f)
    }
}

/// The style of every summary cell.
const LEFT: &str = "style=\"text-align:left\"";

/// What the summary says where no dashboard was recorded.
const NOT_STARTED: &str = "not started (start one with parlab::dashboard::start())";

impl Summary {
    fn memory(&self) -> String {
        self.total_memory.map_or("unknown".into(), human_bytes)
    }

    /// The summary as HTML: a "Client" heading, then dask's two-column layout of
    /// `field: value` pairs, then one row per worker.
    pub fn to_html(&self) -> String {
        let dashboard = match &self.dashboard {
            Some(url) => {
                let url = html_escape(url);
                format!("<a href=\"{url}\" target=\"_blank\">{url}</a>")
            }
            None => NOT_STARTED.replace(
                "parlab::dashboard::start()",
                "<code>parlab::dashboard::start()</code>",
            ),
        };
        // JupyterLab right-aligns table cells; dask's summary reads left to right.
        let pair =
            |a: String, b: String| format!("<tr><td {LEFT}>{a}</td><td {LEFT}>{b}</td></tr>");
        let field = |name: &str, value: &dyn std::fmt::Display| format!("<b>{name}:</b> {value}");
        let mut s = String::from(
            "<div><h3 style=\"margin-bottom:0.2em\">Client</h3>\
             <p style=\"color:#666;margin-top:0\">parlab::dask::Client: worker threads in this \
             kernel's process (dask's LocalCluster with processes=False)</p>\
             <table style=\"text-align:left\">",
        );
        s += &format!(
            "<tr><td {LEFT} colspan=\"2\">{}</td></tr>",
            field("Dashboard", &dashboard)
        );
        s += &pair(
            field("Workers", &self.workers),
            field("Total threads", &self.total_threads),
        );
        s += &pair(
            field("Total memory", &self.memory()),
            field("Status", &"running"),
        );
        s += &pair(
            field("Using processes", &"false (threads)"),
            field("Cores on this machine", &self.cores),
        );
        s += "</table><details><summary>Workers</summary><table style=\"text-align:left\">\
              <tr><th>worker</th><th>threads</th><th>memory</th></tr>";
        for w in 0..self.workers {
            s += &format!(
                "<tr><td {LEFT}>{w}</td><td {LEFT}>{}</td><td {LEFT}>shared with the kernel ({})</td></tr>",
                self.threads_per_worker,
                self.memory()
            );
        }
        s + "</table></details></div>"
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "Client (parlab::dask: worker threads in this process)")?;
        writeln!(
            f,
            "Workers: {}  Total threads: {}  Total memory: {}  Status: running",
            self.workers,
            self.total_threads,
            self.memory()
        )?;
        write!(
            f,
            "Dashboard: {}",
            self.dashboard.as_deref().unwrap_or(NOT_STARTED)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dashboard_url_is_escaped_and_linked() {
        let summary = Summary {
            workers: 1,
            threads_per_worker: 1,
            total_threads: 1,
            total_memory: Some(2 << 30),
            cores: 2,
            dashboard: Some("http://x/?a=1&b=\"2\"".into()),
        };
        let html = summary.to_html();
        assert!(
            html.contains("href=\"http://x/?a=1&amp;b=&quot;2&quot;\""),
            "{html}"
        );
        assert!(html.contains("<b>Total memory:</b> 2.0 GiB"), "{html}");
        assert!(summary
            .to_string()
            .ends_with("Dashboard: http://x/?a=1&b=\"2\""));
    }
}
