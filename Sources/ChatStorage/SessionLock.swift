import ChatCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One writer per saved conversation: the process that has session NAME open holds an
/// exclusive `flock` on `sessions/.NAME.lock` for as long as it keeps it open. Another
/// process is refused the session instead of overwriting its turns.
///
/// The lock is on a file of its own because the session file is replaced by rename on every
/// save (a lock on it would stay with the old inode). The descriptor is close-on-exec, so
/// tools and shell commands never inherit it; the kernel releases it when the process ends,
/// however it ends. Lock files stay (empty, hidden) except when their session is deleted or
/// renamed by the holder; a process that locked a lock file removed meanwhile notices (the
/// path names another inode) and locks the new one.
public final class SessionLock: Sendable {
    private let descriptor: Int32
    /// The session this lock is for.
    public let name: String
    /// The lock file.
    public let path: String

    private init(descriptor: Int32, name: String, path: String) {
        self.descriptor = descriptor
        self.name = name
        self.path = path
    }

    deinit { close(descriptor) }

    /// The lock file of session `name` (`name` already checked) in the sessions folder `folder`.
    static func path(of name: String, folder: String) -> String {
        folder + "/." + name + ".lock"
    }

    /// Locks session `name` for this process. Throws when another process has it open; nil
    /// when no lock can be made here (a read-only folder: the session is used unlocked, as
    /// before locks existed, and saving will say what is wrong).
    /// - Parameter creatingFolder: whether to create the sessions folder when it is missing.
    public static func acquire(
        _ name: String, in directory: SessionDirectory, creatingFolder: Bool = true
    ) throws(SessionLockError) -> SessionLock? {
        try acquire(name, folder: directory.path, creatingFolder: creatingFolder)
    }

    static func acquire(_ name: String, folder: String, creatingFolder: Bool = true) throws(SessionLockError) -> SessionLock? {
        let path = path(of: name, folder: folder)
        if creatingFolder { try? PrivateFile.makeDirectories(folder) }
        for _ in 0..<8 {
            let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return nil }
            var opened = stat()
            guard fstat(fd, &opened) == 0, (opened.st_mode & S_IFMT) == S_IFREG else {
                close(fd)
                return nil
            }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let code = errno
                close(fd)
                if code == EWOULDBLOCK { throw SessionLockError(name: name) }
                return nil
            }
            // Deleted (with its session) between our open and our lock: lock the file there now.
            var named = stat()
            if lstat(path, &named) == 0, named.st_dev == opened.st_dev, named.st_ino == opened.st_ino {
                return SessionLock(descriptor: fd, name: name, path: path)
            }
            close(fd)
        }
        return nil
    }

    /// Removes the lock file while still holding the lock (its session was deleted or
    /// renamed): a process waiting to lock it finds the path gone or another file there.
    public func removeFile() {
        unlink(path)
    }
}

/// Session NAME is open in another process.
public struct SessionLockError: Error, Sendable, Equatable {
    public var name: String

    /// One line naming the session and what to do.
    public var message: String {
        "session \(TerminalText.oneLine(name, limit: 60)) is open in another bankfuture-chat; close it there first, or use another session"
    }
}
