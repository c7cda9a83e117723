package loadgen

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseShard parses "I/N" (0 ≤ I < N, N ≥ 1), as --shard takes it.
func ParseShard(s string) (index, count int, err error) {
	is, ns, ok := strings.Cut(strings.TrimSpace(s), "/")
	if ok {
		index, err = strconv.Atoi(is)
		if err == nil {
			count, err = strconv.Atoi(ns)
		}
	}
	if !ok || err != nil || count < 1 || index < 0 || index >= count {
		return 0, 0, fmt.Errorf("shard: want I/N with 0 ≤ I < N (e.g. 0/4), got %q", s)
	}
	return index, count, nil
}

// SplitCount is shard index's share of total when it is split over count
// shards as evenly as possible, the remainder going to the lowest shards:
// 10 over 4 is 3, 3, 2, 2. The shares add up to total.
func SplitCount(total, count, index int) int {
	if count < 1 || index < 0 || index >= count || total <= 0 {
		return 0
	}
	n := total / count
	if index < total%count {
		n++
	}
	return n
}

// ShardSeed derives shard index's seed from the scenario's seed: the seed
// itself for shard 0 (so "--shard 0/1" is the unsharded run), else the
// SplitMix64 finalizer of seed + index·φ (Steele, Lea & Flood, "Fast
// splittable pseudorandom number generators", OOPSLA 2014), which gives
// unrelated values for neighbouring indices.
func ShardSeed(seed uint64, index int) uint64 {
	if index <= 0 {
		return seed
	}
	z := seed + uint64(index)*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
