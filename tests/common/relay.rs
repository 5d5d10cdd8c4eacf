//! A loopback TCP relay that can stop passing bytes: a database host that froze, or a network
//! that partitioned, without closing a connection.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

/// Passes bytes from `from` to `to` while `frozen` is off; while it is on, holds them.
async fn relay_one_way(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    frozen: Arc<std::sync::atomic::AtomicBool>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let Ok(read) = from.read(&mut buffer).await else { return };
        if read == 0 {
            return;
        }
        while frozen.load(std::sync::atomic::Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        if to.write_all(&buffer[..read]).await.is_err() {
            return;
        }
    }
}

/// A loopback TCP relay in front of PostgreSQL that can stop passing bytes, as a network
/// partition, a frozen database host or one that vanished without a reset would: connections
/// stay open and nothing answers. Its port and its switch.
pub async fn freezable(upstream_port: u16) -> (u16, Arc<std::sync::atomic::AtomicBool>) {
    let frozen = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let switch = frozen.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(server) = tokio::net::TcpStream::connect(("127.0.0.1", upstream_port)).await else { continue };
            let (client_read, client_write) = client.into_split();
            let (server_read, server_write) = server.into_split();
            tokio::spawn(relay_one_way(client_read, server_write, switch.clone()));
            tokio::spawn(relay_one_way(server_read, client_write, switch.clone()));
        }
    });
    (port, frozen)
}
