//go:build unix

package diskspace

import "syscall"

// Free is the room left on the disk of dir for this user, in bytes.
func Free(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return uint64(st.Bavail) * uint64(st.Bsize), nil
}
