package picture

// oNonblock: Windows has no FIFOs in the file system; a named pipe is not
// a regular file, and Stat says so before it is opened.
const oNonblock = 0
