import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.commons.codec.digest.DigestUtils;

public class Digests {
    public byte[] fingerprint(byte[] data) throws NoSuchAlgorithmException {
        // ruleid: java.weak-hash
        MessageDigest md = MessageDigest.getInstance("MD5");
        return md.digest(data);
    }

    public byte[] legacy(byte[] data) throws NoSuchAlgorithmException {
        // ruleid: java.weak-hash
        return MessageDigest.getInstance("SHA-1").digest(data);
    }

    public String hex(String s) {
        // ruleid: java.weak-hash
        return DigestUtils.md5Hex(s);
    }

    public byte[] fingerprintSafe(byte[] data) throws NoSuchAlgorithmException {
        // ok: java.weak-hash
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        return md.digest(data);
    }

    public String hexSafe(String s) {
        // ok: java.weak-hash
        return DigestUtils.sha256Hex(s);
    }
}
