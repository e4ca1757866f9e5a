//! The bytes between the file and the XML reader. The XML reader holds a whole text node (or
//! tag, or comment) in memory before it hands it over; this filter makes sure no such piece
//! grows past a limit: a run of more than `limit` bytes without a `<` keeps its first `limit`
//! bytes, then [`MARKER`] where the rest was left out, then its last [`TAIL`] bytes (so that
//! what closes it, `-->`, `]]>`, `">`, still closes it). The reader reports any text or tag
//! holding the marker as too long. A NUL byte of the file (never valid XML) becomes 0x01 so
//! that the marker is unambiguous. The filter also counts the lines handed over, for the
//! position of errors.

use std::io::{self, BufRead, Read};

/// Where bytes were left out: NUL, which no XML document may hold.
pub(super) const MARKER: u8 = 0;
/// How many of the last bytes of a run too long are kept.
const TAIL: usize = 16;
/// How much is read from the file at once.
const CHUNK: usize = 64 * 1024;

pub(super) struct Guard<R> {
    inner: R,
    limit: usize,
    /// The bytes read from the file, before filtering.
    raw: Vec<u8>,
    /// The filtered bytes, handed over from `pos`.
    out: Vec<u8>,
    pos: usize,
    /// Bytes since the last `<`.
    run: usize,
    /// Bytes are being left out, since the run went past the limit.
    dropping: bool,
    /// The last bytes left out (at most `TAIL`).
    tail: Vec<u8>,
    eof: bool,
    /// Line breaks handed over and consumed.
    lines: u64,
}

impl<R: Read> Guard<R> {
    pub fn new(inner: R, limit: usize) -> Self {
        Self {
            inner,
            limit: limit.max(1),
            raw: vec![0; CHUNK],
            out: Vec::with_capacity(CHUNK + 2 * TAIL),
            pos: 0,
            run: 0,
            dropping: false,
            tail: Vec::with_capacity(2 * TAIL),
            eof: false,
            lines: 0,
        }
    }

    /// The line (from 1) the reader has got to.
    pub fn line(&self) -> u64 {
        self.lines + 1
    }

    /// Reads from the file until some filtered bytes are ready, or the file ends.
    fn refill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.pos = 0;
        let mut raw = std::mem::take(&mut self.raw);
        let result = loop {
            if !self.out.is_empty() || self.eof {
                break Ok(());
            }
            match self.inner.read(&mut raw) {
                Ok(0) => {
                    self.eof = true;
                    self.end_drop();
                }
                Ok(n) => self.filter(raw.get(..n).unwrap_or_default()),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => break Err(err),
            }
        };
        self.raw = raw;
        result
    }

    fn filter(&mut self, mut rest: &[u8]) {
        while !rest.is_empty() {
            if self.dropping {
                match rest.iter().position(|&b| b == b'<') {
                    Some(at) => {
                        let (left_out, next) = rest.split_at_checked(at).unwrap_or((rest, &[]));
                        self.keep_tail(left_out);
                        self.end_drop();
                        rest = next;
                    }
                    None => {
                        self.keep_tail(rest);
                        return;
                    }
                }
                continue;
            }
            if rest.first() == Some(&b'<') {
                self.out.push(b'<');
                self.run = 0;
                rest = rest.get(1..).unwrap_or_default();
                continue;
            }
            let room = self.limit.saturating_sub(self.run);
            let until_markup = rest.iter().position(|&b| b == b'<').unwrap_or(rest.len());
            let take = until_markup.min(room);
            let (kept, next) = rest.split_at_checked(take).unwrap_or((rest, &[]));
            push_visible(&mut self.out, kept);
            self.run += take;
            rest = next;
            if take < until_markup {
                // The run goes past the limit: leave the rest out until the next `<`.
                self.out.push(MARKER);
                self.dropping = true;
                self.tail.clear();
            }
        }
    }

    fn keep_tail(&mut self, left_out: &[u8]) {
        let start = left_out.len().saturating_sub(TAIL);
        self.tail
            .extend_from_slice(left_out.get(start..).unwrap_or_default());
        let excess = self.tail.len().saturating_sub(TAIL);
        self.tail.drain(..excess);
    }

    /// Stops leaving bytes out: the kept tail is handed over.
    fn end_drop(&mut self) {
        if self.dropping {
            push_visible(&mut self.out, &self.tail);
            self.tail.clear();
            self.dropping = false;
        }
    }
}

/// The bytes, a NUL of the file made 0x01 so that only the filter writes [`MARKER`].
fn push_visible(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend(bytes.iter().map(|&b| if b == MARKER { 1 } else { b }));
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        if let (Some(target), Some(source)) = (buf.get_mut(..n), available.get(..n)) {
            target.copy_from_slice(source);
        }
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Guard<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.out.len() {
            self.refill()?;
        }
        Ok(self.out.get(self.pos..).unwrap_or_default())
    }

    fn consume(&mut self, amount: usize) {
        let end = (self.pos + amount).min(self.out.len());
        let consumed = self.out.get(self.pos..end).unwrap_or_default();
        self.lines += consumed.iter().filter(|&&b| b == b'\n').count() as u64;
        self.pos = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filtered(input: &[u8], limit: usize) -> Vec<u8> {
        let mut out = Vec::new();
        Guard::new(input, limit).read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn short_runs_pass_untouched() {
        let xml = b"<a>\n<b x=\"1\">text</b>\n</a>";
        assert_eq!(filtered(xml, 100), xml);
        assert_eq!(filtered(xml, 12), xml);
        assert_ne!(filtered(xml, 11), xml);
    }

    #[test]
    fn a_long_run_keeps_its_head_a_marker_and_its_tail() {
        let mut xml = b"<a>".to_vec();
        xml.extend(std::iter::repeat_n(b'x', 1000));
        xml.extend(b"0123456789ABCDEFGH</a>");
        let out = filtered(&xml, 10);
        assert_eq!(out, b"<a>xxxxxxxx\x0023456789ABCDEFGH</a>");
    }

    #[test]
    fn a_run_across_reads_is_cut_once_and_nul_bytes_are_not_markers() {
        let mut xml = b"<a>\0".to_vec();
        xml.extend(std::iter::repeat_n(b'y', 3 * CHUNK));
        xml.extend(b"</a><b>z</b>");
        let out = filtered(&xml, 100);
        assert_eq!(out.iter().filter(|&&b| b == MARKER).count(), 1);
        assert!(out.starts_with(b"<a>\x01yy"));
        assert!(out.ends_with(b"yyyyyyyyyyyyyyyy</a><b>z</b>"));
        assert!(out.len() < 100 + TAIL + 20);
    }

    #[test]
    fn the_buffer_never_grows_whatever_the_run() {
        let huge = std::io::repeat(b'z').take(20 * CHUNK as u64);
        let mut guard = Guard::new(b"<a>".chain(huge).chain(&b"</a>"[..]), 1000);
        let mut total = 0;
        loop {
            let n = guard.fill_buf().unwrap().len();
            if n == 0 {
                break;
            }
            assert!(guard.out.capacity() <= CHUNK + 2 * TAIL);
            total += n;
            guard.consume(n);
        }
        assert_eq!(total, 1 + 1000 + 1 + TAIL + 4);
    }

    #[test]
    fn lines_are_counted_as_they_are_consumed() {
        let mut guard = Guard::new(&b"<a>\n<b/>\n\n</a>"[..], 100);
        assert_eq!(guard.line(), 1);
        guard.fill_buf().unwrap();
        guard.consume(5);
        assert_eq!(guard.line(), 2);
        let mut rest = Vec::new();
        guard.read_to_end(&mut rest).unwrap();
        assert_eq!(guard.line(), 4);
    }
}
