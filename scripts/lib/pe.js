'use strict';
// Reads what the build must check in a Windows DLL (a PE file): its machine type and the names it
// exports. Enough of the PE/COFF format for that, nothing more; no tool here reads arm64 PE files
// for every build machine (Debian's mingw objdump knows x86 only).

/** IMAGE_FILE_MACHINE_* of the architectures built here. */
const MACHINES = { x64: 0x8664, arm64: 0xaa64, ia32: 0x14c };

/**
 * { machine, dll, exports } of a PE file's bytes; throws when they are not a PE image.
 * machine is the COFF header's number; exports the names in the export directory.
 */
function readPe(buffer) {
  if (buffer.length < 0x40 || buffer.toString('latin1', 0, 2) !== 'MZ') throw new Error('not a PE file (no MZ header)');
  const pe = buffer.readUInt32LE(0x3c);
  if (pe + 24 > buffer.length || buffer.toString('latin1', pe, pe + 4) !== 'PE\0\0') throw new Error('not a PE file (no PE signature)');
  const machine = buffer.readUInt16LE(pe + 4);
  const sectionCount = buffer.readUInt16LE(pe + 6);
  const optionalSize = buffer.readUInt16LE(pe + 20);
  const characteristics = buffer.readUInt16LE(pe + 22);
  const optional = pe + 24;
  const magic = buffer.readUInt16LE(optional);
  if (magic !== 0x20b && magic !== 0x10b) throw new Error(`unknown optional header magic 0x${magic.toString(16)}`);
  const directories = optional + (magic === 0x20b ? 112 : 96);
  const sections = [];
  for (let i = 0, at = optional + optionalSize; i < sectionCount; i++, at += 40) {
    sections.push({
      virtualSize: buffer.readUInt32LE(at + 8), virtualAddress: buffer.readUInt32LE(at + 12),
      rawSize: buffer.readUInt32LE(at + 16), rawPointer: buffer.readUInt32LE(at + 20),
    });
  }
  const offsetOf = (rva) => {
    const section = sections.find((s) => rva >= s.virtualAddress && rva < s.virtualAddress + Math.max(s.virtualSize, s.rawSize));
    if (!section) throw new Error(`RVA 0x${rva.toString(16)} is in no section`);
    return rva - section.virtualAddress + section.rawPointer;
  };
  const cString = (offset) => buffer.toString('latin1', offset, buffer.indexOf(0, offset));
  const exports = [];
  const exportRva = buffer.readUInt32LE(directories);
  if (exportRva !== 0) {
    const dir = offsetOf(exportRva);
    const nameCount = buffer.readUInt32LE(dir + 24);
    const names = offsetOf(buffer.readUInt32LE(dir + 32));
    for (let i = 0; i < nameCount; i++) exports.push(cString(offsetOf(buffer.readUInt32LE(names + 4 * i))));
  }
  return { machine, dll: (characteristics & 0x2000) !== 0, exports };
}

/**
 * Throws unless `buffer` is a DLL for Windows on `arch` (x64, arm64) exporting the Node-API entry
 * point, napi_register_module_v1. `label` names the file in the message.
 */
function checkAddon(buffer, arch, label) {
  const expected = MACHINES[arch];
  if (expected === undefined) throw new Error(`unknown architecture ${arch}`);
  let image;
  try {
    image = readPe(buffer);
  } catch (error) {
    throw new Error(`${label} is not a Windows DLL: ${error.message}`);
  }
  if (image.machine !== expected) {
    throw new Error(`${label} is for machine 0x${image.machine.toString(16)}, not ${arch} (0x${expected.toString(16)})`);
  }
  if (!image.dll) throw new Error(`${label} is not a DLL`);
  if (!image.exports.includes('napi_register_module_v1')) throw new Error(`${label} does not export napi_register_module_v1`);
  return image;
}

module.exports = { MACHINES, readPe, checkAddon };
