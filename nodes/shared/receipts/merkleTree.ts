import { createHash } from 'node:crypto';

/**
 * RFC 9162 §2.1.1 Merkle Tree Hash over SHA-256, the tree of Certificate Transparency logs: a leaf hashes as
 * SHA-256(0x00 ‖ data), a node as SHA-256(0x01 ‖ left ‖ right), and the empty tree as SHA-256 of nothing.
 * Built in one pass (each finished subtree is merged as soon as its sibling is), not by recursion per leaf.
 */
export function merkleTreeHash(leaves: Iterable<Buffer>): Buffer {
	const stack: Array<{ hash: Buffer; size: number }> = [];
	for (const leaf of leaves) {
		let node = { hash: leafHash(leaf), size: 1 };
		while (stack.length > 0 && stack[stack.length - 1].size === node.size) {
			const left = stack.pop() as { hash: Buffer; size: number };
			node = { hash: nodeHash(left.hash, node.hash), size: left.size * 2 };
		}
		stack.push(node);
	}
	if (stack.length === 0) return createHash('sha256').digest();
	// The subtrees left are of falling powers of two: the right-hand ones join first, as k = the largest power of two below n.
	let root = (stack.pop() as { hash: Buffer }).hash;
	while (stack.length > 0) root = nodeHash((stack.pop() as { hash: Buffer }).hash, root);
	return root;
}

export function leafHash(data: Buffer): Buffer {
	return createHash('sha256')
		.update(Buffer.from([0]))
		.update(data)
		.digest();
}

export function nodeHash(left: Buffer, right: Buffer): Buffer {
	return createHash('sha256')
		.update(Buffer.from([1]))
		.update(left)
		.update(right)
		.digest();
}
