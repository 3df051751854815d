#!/usr/bin/env bash
# Draws Easel's icon with ImageMagick and derives every size the packaging uses:
#   build/appicon.png                 1024x1024 master (Wails reads it for macOS/Windows)
#   build/windows/icon.ico            16..256 px, multi-size
#   build/linux/icons/NxN.png         256 and 512 px, installed into hicolor by `make install`
# The outputs are committed; run this again only when the design changes.
set -euo pipefail
cd "$(dirname "$0")/.."

# The real ImageMagick 6 binary (a `convert` earlier on PATH may be something else).
CONVERT=${CONVERT:-/usr/bin/convert}
[ -x "$CONVERT" ] || CONVERT=$(command -v convert) || { echo "make-icon: ImageMagick's convert is required (apt-get install imagemagick)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. Tile: a rounded square with a diagonal indigo-to-violet gradient and a soft shadow.
"$CONVERT" -size 824x824 gradient:'#6d5efc-#b43fd6' -distort SRT 45 \
    \( -size 824x824 xc:none -fill white -draw "roundrectangle 0,0 823,823 186,186" \) \
    -alpha off -compose CopyOpacity -composite "$tmp/tile.png"
"$CONVERT" "$tmp/tile.png" -background '#1b1240' -shadow 40x18+0+14 "$tmp/shadow.png"
"$CONVERT" -size 1024x1024 xc:none \
    "$tmp/shadow.png" -gravity center -geometry +0+10 -composite \
    "$tmp/tile.png" -gravity center -composite "$tmp/base.png"

# 2. Palette: a cream oval with a bite out of one side and a thumb hole, shown with
#    a darker rim beneath it for thickness, tilted a little, with five paint dabs.
"$CONVERT" -size 1024x1024 xc:black -fill white -draw "ellipse 512,520 330,250 0,360" \
    -fill black -draw "circle 842,600 842,505" -draw "ellipse 660,640 52,42 0,360" \
    "$tmp/palmask.png"
"$CONVERT" -size 1024x1024 xc:'#fbf3e4' "$tmp/palmask.png" -alpha off -compose CopyOpacity -composite "$tmp/palface.png"
"$CONVERT" -size 1024x1024 xc:'#d9c3a0' "$tmp/palmask.png" -alpha off -compose CopyOpacity -composite "$tmp/palrim.png"
"$CONVERT" "$tmp/palface.png" \
    -fill '#ef4444' -draw "circle 300,500 300,450" \
    -fill '#f59e0b' -draw "circle 380,370 380,322" \
    -fill '#22c55e' -draw "circle 500,335 500,287" \
    -fill '#3b82f6' -draw "circle 385,640 385,592" \
    -fill '#ec4899' -draw "circle 525,690 525,645" \
    "$tmp/paldabs.png"
"$CONVERT" -size 1024x1024 xc:none \
    "$tmp/palrim.png" -geometry +0+16 -composite \
    "$tmp/paldabs.png" -geometry +0+0 -composite \
    -distort SRT '512,520 1 -10 512,540' "$tmp/pal.png"
"$CONVERT" "$tmp/pal.png" -background '#1b1240' -shadow 45x14+0+14 "$tmp/palshadow.png"
"$CONVERT" "$tmp/base.png" \
    "$tmp/palshadow.png" -gravity center -geometry +0+14 -composite \
    "$tmp/pal.png" -gravity center -geometry +0+0 -composite \
    "$tmp/withpal.png"

# 3. Brush across the palette: wooden handle, metal ferrule, painted tip.
"$CONVERT" -size 1024x1024 xc:none \
    -fill '#8b5a2b' -draw "roundrectangle 480,130 544,560 32,32" \
    -fill '#c9ced6' -draw "rectangle 478,560 546,650" \
    -fill '#9aa1ab' -draw "rectangle 478,585 546,595" \
    -fill '#3b82f6' -draw "path 'M 478,650 L 546,650 Q 548,740 512,800 Q 476,740 478,650 Z'" \
    -distort SRT "512,512 1 -36 640,450" "$tmp/brush.png"
"$CONVERT" "$tmp/brush.png" -background '#1b1240' -shadow 50x8+6+10 "$tmp/brushshadow.png"
"$CONVERT" "$tmp/withpal.png" \
    "$tmp/brushshadow.png" -gravity center -geometry +6+10 -composite \
    "$tmp/brush.png" -gravity center -composite \
    -strip -depth 8 build/appicon.png

# 4. Derived sizes.
mkdir -p build/windows build/linux/icons
"$CONVERT" build/appicon.png -depth 8 -define icon:auto-resize=256,128,64,48,32,16 build/windows/icon.ico
for s in 256 512; do
    "$CONVERT" build/appicon.png -resize ${s}x${s} -strip -depth 8 "build/linux/icons/${s}x${s}.png"
done
echo "make-icon: wrote build/appicon.png, build/windows/icon.ico, build/linux/icons/{256x256,512x512}.png"
