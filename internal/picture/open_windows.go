package picture

// oNonblock: Windows has no FIFOs in the file system; a named pipe is not
// a regular file, and Stat says so before it is opened.
const oNonblock = 0

// oNofollow: Windows has no such flag; OpenOwnFile's Lstat refuses a link
// (a symbolic link needs an administrator or developer mode to make).
const oNofollow = 0

func isLinkRefused(error) bool { return false }
