module Main (main) where

import qualified Data.Map.Strict as M
import Data.List (foldl')

fib :: Int -> Integer
fib n = if n < 2 then toInteger n else fib (n - 1) + fib (n - 2)

wordFreq :: [String] -> M.Map String Int
wordFreq = foldl' (\m w -> M.insertWith (+) w 1 m) M.empty

mkWords :: Int -> [String]
mkWords k = [show (i * 7919 `mod` 1009) | i <- [1 .. k]]

sumSquares :: Int -> Int
sumSquares k = sum [i * i | i <- [1 .. k]]

main :: IO ()
main = do
  print (fib 24)
  print (M.size (wordFreq (mkWords 200000)))
  print (sumSquares 3000000)
