import tarfile
import zipfile


def unpack(archive, dest):
    with tarfile.open(archive, "r:gz") as tar:
        # ruleid: py.tarfile-extractall
        tar.extractall(dest)


def unpack_model(path, dest):
    tf = tarfile.open(path)
    # ruleid: py.tarfile-extractall
    tf.extractall(path=dest)
    tf.close()


def oneliner(path, dest):
    # ruleid: py.tarfile-extractall
    tarfile.open(path).extractall(dest)


def unpack_safe(archive, dest):
    with tarfile.open(archive, "r:gz") as tar:
        # ok: py.tarfile-extractall
        tar.extractall(dest, filter="data")


def unzip(archive, dest):
    with zipfile.ZipFile(archive) as zf:
        # ok: py.tarfile-extractall
        zf.extractall(dest)
